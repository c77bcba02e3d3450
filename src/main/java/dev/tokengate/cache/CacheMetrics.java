package dev.tokengate.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the near cache does, for Micrometer: {@code tokengate.cache.lookups} by result (hit, miss, bypass: tracking
 * was down so Redis answered directly), {@code tokengate.cache.invalidations} by scope (a key that was cached, or the
 * whole cache on a flush or a tracking change), {@code tokengate.cache.tracking} (1 while invalidations are
 * confirmed to arrive) and {@code tokengate.cache.size}.
 */
final class CacheMetrics {

    private final Counter hits;
    private final Counter misses;
    private final Counter bypasses;
    private final Counter keyInvalidations;
    private final Counter flushes;
    private final MeterRegistry registry;

    CacheMetrics(MeterRegistry registry, TokenCache cache) {
        this.registry = registry;
        hits = lookups(registry, "hit");
        misses = lookups(registry, "miss");
        bypasses = lookups(registry, "bypass");
        keyInvalidations = invalidations(registry, "key");
        flushes = invalidations(registry, "all");
        Gauge.builder("tokengate.cache.size", cache, TokenCache::size)
                .description("Token lookups held in the near cache (estimate)")
                .register(registry);
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void bypass() {
        bypasses.increment();
    }

    void invalidated(boolean wasCached) {
        if (wasCached) {
            keyInvalidations.increment();
        }
    }

    void flushed() {
        flushes.increment();
    }

    /** The gauge reads the tracker's own state: it cannot say 1 while the cache is not trusted. */
    void reportTracking(InvalidationTracker tracker) {
        Gauge.builder("tokengate.cache.tracking", tracker, t -> t.isTracking() ? 1 : 0)
                .description("1 while Redis is confirmed to send this gateway its invalidations, else 0")
                .register(registry);
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("tokengate.cache.lookups")
                .description("Token lookups by how the near cache answered them")
                .tag("result", result)
                .register(registry);
    }

    private static Counter invalidations(MeterRegistry registry, String scope) {
        return Counter.builder("tokengate.cache.invalidations")
                .description("Cached token lookups ended by Redis invalidations, per key or all at once")
                .tag("scope", scope)
                .register(registry);
    }
}
