package dev.tokengate.connection;

import dev.tokengate.cache.InvalidationListener;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The WebSockets this instance holds open, by the Redis key of the credential they were opened with, so that a
 * revocation reaches them: when the near cache learns that a key changed, the connections under it are checked
 * against what Redis holds now (one lookup per key, never on a request's path), and those whose credential is gone or
 * no longer opens their route are closed. So are those whose credential's key expires, checked at the expiry the
 * lookup learned. Connections whose credential still holds see nothing. Entries leave the index when their connection
 * ends, however it ends.
 */
public final class OpenConnections implements InvalidationListener {

    static final String REVOKED = "revoked";
    static final String INSUFFICIENT_SCOPE = "insufficient_scope";
    static final String EXPIRED = "expired";

    private static final Logger log = LoggerFactory.getLogger(OpenConnections.class);

    private final Map<String, Set<OpenConnection>> byCredential = new ConcurrentHashMap<>();
    private final Function<String, Mono<TokenRecord>> lookupByKey;
    private final Counter revoked;
    private final Counter insufficientScope;
    private final Counter expired;

    /** @param lookupByKey the record Redis holds under a credential's key now; empty when there is none */
    public OpenConnections(Function<String, Mono<TokenRecord>> lookupByKey, MeterRegistry registry) {
        this.lookupByKey = lookupByKey;
        this.revoked = closed(registry, REVOKED);
        this.insufficientScope = closed(registry, INSUFFICIENT_SCOPE);
        this.expired = closed(registry, EXPIRED);
        Gauge.builder("tokengate.connections.followed", this, OpenConnections::size)
                .description("WebSockets and long streaming answers held open that a change of their credential closes")
                .register(registry);
    }

    private static Counter closed(MeterRegistry registry, String reason) {
        return Counter.builder("tokengate.connections.closed")
                .description("Open connections closed because their credential changed or expired")
                .tag("reason", reason)
                .register(registry);
    }

    // Both change a key's set inside the map's compute, so that an add never lands in a set a remove has just dropped.
    void add(OpenConnection connection) {
        byCredential.compute(connection.credential().key(), (key, connections) -> {
            Set<OpenConnection> held = connections != null ? connections : ConcurrentHashMap.newKeySet();
            held.add(connection);
            return held;
        });
        followExpiry(connection, connection.credential());
    }

    void remove(OpenConnection connection) {
        byCredential.computeIfPresent(connection.credential().key(), (key, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
        connection.stopExpiryCheck();
    }

    /**
     * At the credential's expiry its key is checked like a changed one: Redis announces an expired key only once its
     * expiry cycle or a read finds it, which can be late for a key nobody reads.
     */
    private void followExpiry(OpenConnection connection, TokenRecord current) {
        String key = connection.credential().key();
        connection.checkAtExpiryOf(current, () -> invalidated(key));
    }

    /** How many connections the index holds. */
    public int size() {
        return byCredential.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void invalidated(String redisKey) {
        if (byCredential.containsKey(redisKey)) {
            recheck(redisKey);
        }
    }

    @Override
    public void invalidatedAll() {
        byCredential.keySet().forEach(this::recheck);
    }

    /**
     * Closes the connections under {@code key} that what Redis holds now no longer allows. When Redis cannot answer,
     * they stay open: the next change of the key, or tracking confirmed again after the outage, checks them again.
     */
    private void recheck(String key) {
        lookupByKey
                .apply(key)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .subscribe(
                        current -> closeDisallowed(key, current.orElse(null)),
                        error -> log.warn(
                                "Open connections of a changed credential not checked, Redis could not answer: {}",
                                error.toString()));
    }

    private void closeDisallowed(String key, TokenRecord current) {
        Set<OpenConnection> connections = byCredential.get(key);
        if (connections == null) {
            return;
        }
        for (OpenConnection connection : connections) {
            if (connection.stillAllowedBy(current)) {
                followExpiry(connection, current);
                continue;
            }
            remove(connection);
            if (current == null && connection.expiredBy(System.currentTimeMillis())) {
                expired.increment();
                connection.close("credential expired");
            } else if (current == null) {
                revoked.increment();
                connection.close("credential revoked");
            } else {
                insufficientScope.increment();
                connection.close("credential no longer grants this route");
            }
        }
    }
}
