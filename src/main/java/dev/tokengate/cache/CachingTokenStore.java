package dev.tokengate.cache;

import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.token.TokenStore;
import reactor.core.publisher.Mono;

/**
 * Answers a hot token from the gateway's memory, without a Redis round trip, for as long as Redis confirms it will
 * say when the token changes. Otherwise asks Redis, and keeps the answer when that is safe.
 */
final class CachingTokenStore implements TokenStore {

    private final RedisTokenStore redis;
    private final TokenCache cache;
    private final InvalidationTracker tracker;
    private final CacheMetrics metrics;

    CachingTokenStore(RedisTokenStore redis, TokenCache cache, InvalidationTracker tracker, CacheMetrics metrics) {
        this.redis = redis;
        this.cache = cache;
        this.tracker = tracker;
        this.metrics = metrics;
    }

    @Override
    public Mono<TokenRecord> lookup(String rawToken) {
        return lookupKey(redis.keyFor(rawToken));
    }

    @Override
    public Mono<TokenRecord> lookupHash(String sha256Hex) {
        return lookupKey(redis.keyForHash(sha256Hex));
    }

    private Mono<TokenRecord> lookupKey(String key) {
        if (!tracker.isTracking()) {
            metrics.bypass();
            return redis.find(key);
        }
        Mono<TokenRecord> cached = cache.get(key);
        if (cached != null) {
            metrics.hit();
            return cached;
        }
        metrics.miss();
        return Mono.defer(() -> {
                    TokenCache.Stamp stamp = cache.stamp(key);
                    return redis.findWithTtl(key).doOnNext(stored -> cache.put(key, stored, stamp));
                })
                .flatMap(stored -> Mono.justOrEmpty(stored.token()));
    }

    @Override
    public TokenRecord knownValid(String rawToken) {
        return tracker.isTracking() ? cache.valid(redis.keyFor(rawToken)) : null;
    }
}
