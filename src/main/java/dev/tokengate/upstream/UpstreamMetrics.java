package dev.tokengate.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens to upstream connections, for Micrometer: {@code tokengate.upstream.retries} by route (requests sent
 * again on a new connection after the upstream closed or reset theirs before answering, {@link UpstreamRetryFilter})
 * and {@code tokengate.upstream.evictions} by reason (idle: pooled connections closed by the gateway after {@code
 * max-idle-time} unused, before an upstream's keep-alive timeout closes them under a request), exported to
 * Prometheus as {@code tokengate_upstream_retries_total} and {@code tokengate_upstream_evictions_total}.
 */
final class UpstreamMetrics {

    static final String RETRIES = "tokengate.upstream.retries";
    static final String EVICTIONS = "tokengate.upstream.evictions";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> retriesByRoute = new ConcurrentHashMap<>();
    private final Counter idleEvictions;

    UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        idleEvictions = evictions("idle");
    }

    void retried(String routeId) {
        Counter counter = retriesByRoute.get(routeId);
        (counter != null ? counter : retriesByRoute.computeIfAbsent(routeId, this::retries)).increment();
    }

    void evictedIdle() {
        idleEvictions.increment();
    }

    private Counter retries(String routeId) {
        return Counter.builder(RETRIES)
                .description("Requests sent again after the upstream closed or reset their connection before answering")
                .tag("route", routeId)
                .register(registry);
    }

    private Counter evictions(String reason) {
        return Counter.builder(EVICTIONS)
                .description("Pooled upstream connections closed by the gateway before reuse")
                .tag("reason", reason)
                .register(registry);
    }
}
