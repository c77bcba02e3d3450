package dev.tokengate.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.token.StoredToken;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.publisher.Mono;

/**
 * Token lookups held in the gateway, keyed by the token's Redis key, with the bookkeeping that keeps a cached answer
 * from outliving an invalidation.
 *
 * <p>The race it closes: a lookup reads a token from Redis, the token is revoked, and the invalidation is processed
 * before the lookup's answer. Storing that answer would keep a revoked token alive. So each entry carries stamps
 * taken before its lookup was sent: the cache-wide epoch (moved by flushes and by the tracking connection going
 * down or up) and the counter of the key's stripe (moved by every invalidation of a key in it). An entry is served
 * only while both are unchanged, so an invalidation wins over any lookup in flight, whatever the order they finish.
 * Stripes bound the memory this takes; a collision only costs another key one extra Redis lookup.
 */
final class TokenCache {

    private static final int STRIPES = 1 << 16;

    private final Cache<String, Entry> entries;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final long ttlNanos;
    private final long negativeTtlNanos;

    private final TokenHashing hashing;
    private final Ticker ticker;

    /** @param hashing how Redis keys hold tokens: with {@code none} they are cached under their sha256 */
    TokenCache(CacheProperties properties, TokenHashing hashing) {
        this(properties, hashing, Ticker.systemTicker());
    }

    TokenCache(CacheProperties properties, TokenHashing hashing, Ticker ticker) {
        this.hashing = hashing;
        this.ticker = ticker;
        this.ttlNanos = properties.ttl().toNanos();
        this.negativeTtlNanos = properties.negativeTtl().toNanos();
        this.entries = Caffeine.newBuilder()
                .maximumSize(properties.maxEntries())
                .expireAfter(new EntryExpiry())
                .ticker(ticker)
                .build();
    }

    /** The cached answer for {@code redisKey}: a Mono of the token, an empty Mono for an unknown one, or null. */
    Mono<TokenRecord> get(String redisKey) {
        Entry entry = servable(cacheKey(redisKey));
        return entry == null ? null : entry.answer;
    }

    /** The token of a servable entry for {@code redisKey} that holds a valid one; null otherwise. */
    TokenRecord valid(String redisKey) {
        Entry entry = servable(cacheKey(redisKey));
        return entry == null ? null : entry.token;
    }

    /** The entry for {@code key} if no invalidation or flush has happened since its lookup was sent; else null. */
    private Entry servable(String key) {
        Entry entry = entries.getIfPresent(key);
        if (entry == null || entry.epoch != epoch.get() || entry.stripe != stripes.get(stripe(key))) {
            return null;
        }
        return entry;
    }

    /** Taken before a lookup is sent to Redis, so that any invalidation after that moment is seen. */
    Stamp stamp(String redisKey) {
        String key = cacheKey(redisKey);
        return new Stamp(epoch.get(), stripes.get(stripe(key)), ticker.read());
    }

    void put(String redisKey, StoredToken stored, Stamp stamp) {
        String key = cacheKey(redisKey);
        long lifetime = lifetimeNanos(stored, stamp);
        if (lifetime <= 0 || stamp.epoch != epoch.get() || stamp.stripe != stripes.get(stripe(key))) {
            return;
        }
        TokenRecord token = stored.isValid() ? stored.token() : null;
        Mono<TokenRecord> answer = token != null ? Mono.just(token) : Mono.empty();
        entries.put(key, new Entry(answer, token, stamp.epoch, stamp.stripe, lifetime));
    }

    /** Ends the cached answer for {@code redisKey}, and that of any lookup of it in flight; true if one was held. */
    boolean invalidate(String redisKey) {
        String key = cacheKey(redisKey);
        stripes.incrementAndGet(stripe(key));
        return entries.asMap().remove(key) != null;
    }

    /**
     * Ends every cached answer, and those of all lookups in flight, at once: the new epoch makes them unservable.
     * Freeing their memory takes a lock and time proportional to the size, so it runs off the caller's thread, which
     * is usually an event loop.
     */
    void invalidateAll() {
        epoch.incrementAndGet();
        ForkJoinPool.commonPool().execute(entries::invalidateAll);
    }

    long size() {
        return entries.estimatedSize();
    }

    // The key's expiry counts from before the lookup was sent, so an entry never outlives the key in Redis.
    private long lifetimeNanos(StoredToken stored, Stamp stamp) {
        if (!stored.isValid()) {
            return negativeTtlNanos;
        }
        if (stored.ttlMillis() == StoredToken.NO_EXPIRY) {
            return ttlNanos;
        }
        long untilExpiry = Duration.ofMillis(stored.ttlMillis()).toNanos() - (ticker.read() - stamp.nanoTime);
        return Math.min(ttlNanos, untilExpiry);
    }

    private String cacheKey(String redisKey) {
        return hashing.keptInMemory(redisKey);
    }

    private static int stripe(String key) {
        int hash = key.hashCode();
        return (hash ^ (hash >>> 16)) & (STRIPES - 1);
    }

    record Stamp(long epoch, long stripe, long nanoTime) {}

    private record Entry(Mono<TokenRecord> answer, TokenRecord token, long epoch, long stripe, long lifetimeNanos) {}

    private static final class EntryExpiry implements Expiry<String, Entry> {

        @Override
        public long expireAfterCreate(String key, Entry entry, long currentTime) {
            return entry.lifetimeNanos;
        }

        @Override
        public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
            return entry.lifetimeNanos;
        }

        @Override
        public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
