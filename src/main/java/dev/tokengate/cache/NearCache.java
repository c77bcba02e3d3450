package dev.tokengate.cache;

import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenStore;

/** The near cache, ready to be put in front of Redis in the lookup chain; absent when it is disabled. */
public final class NearCache {

    private final TokenCache cache;
    private final InvalidationTracker tracker;
    private final CacheMetrics metrics;

    NearCache(TokenCache cache, InvalidationTracker tracker, CacheMetrics metrics) {
        this.cache = cache;
        this.tracker = tracker;
        this.metrics = metrics;
    }

    /** A store that answers from memory while the tracker trusts the cache, and from {@code redis} otherwise. */
    public TokenStore inFrontOf(RedisTokenStore redis) {
        return new CachingTokenStore(redis, cache, tracker, metrics);
    }
}
