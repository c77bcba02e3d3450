package dev.tokengate.cache;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The near cache's state for admins: whether Redis tracks token keys for this instance (so cached answers are
 * served) and how many entries it holds. Always UP: with tracking off, lookups go to Redis and stay correct.
 */
class NearCacheHealthIndicator implements HealthIndicator {

    private final InvalidationTracker tracker;
    private final TokenCache cache;

    NearCacheHealthIndicator(InvalidationTracker tracker, TokenCache cache) {
        this.tracker = tracker;
        this.cache = cache;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetails(tracker.details())
                .withDetail("entries", cache.size())
                .build();
    }
}
