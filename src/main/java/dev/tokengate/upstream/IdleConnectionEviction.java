package dev.tokengate.upstream;

import java.time.Duration;
import java.util.function.BiPredicate;
import reactor.netty.Connection;
import reactor.netty.resources.ConnectionProvider.ConnectionMetadata;

/**
 * Which pooled upstream connections are closed instead of used again: those no longer open or reusable (Reactor
 * Netty's own rule, which a predicate of one's own replaces), and those unused for {@code max-idle-time}, counted as
 * idle evictions.
 */
final class IdleConnectionEviction implements BiPredicate<Connection, ConnectionMetadata> {

    private final long maxIdleMillis;
    private final UpstreamMetrics metrics;

    IdleConnectionEviction(Duration maxIdleTime, UpstreamMetrics metrics) {
        this.maxIdleMillis = maxIdleTime.toMillis();
        this.metrics = metrics;
    }

    @Override
    public boolean test(Connection connection, ConnectionMetadata metadata) {
        if (!connection.channel().isActive() || !connection.isPersistent()) {
            return true;
        }
        if (metadata.idleTime() >= maxIdleMillis) {
            metrics.evictedIdle();
            return true;
        }
        return false;
    }
}
