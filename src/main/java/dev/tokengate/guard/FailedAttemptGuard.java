package dev.tokengate.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.redis.LuaScript;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Slows down token guessing. Invalid-token attempts are counted per client address (an IPv6 one by its prefix, see
 * {@link AddressGroups}) in Redis, so every gateway instance adds to the same count: a fixed window that opens with
 * the first failure. Past the limit the address is refused (429) until the window ends, from the instance's memory: a
 * blocked client costs no Redis round trip. With a limit of 0 it is off: nothing is counted and no address is
 * blocked.
 */
public class FailedAttemptGuard {

    /** One round trip, atomic across instances: count the failure, open the window on the first one. */
    private static final LuaScript<Failures> COUNT_FAILURE =
            LuaScript.returningTable("""
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return {count, redis.call('PTTL', KEYS[1])}
            """, counted -> new Failures((Long) counted.get(0), (Long) counted.get(1)));

    private static final long MAXIMUM_BLOCKED_ADDRESSES = 100_000;
    private static final Mono<Long> NOT_BLOCKED = Mono.just(0L);
    private static final Logger log = LoggerFactory.getLogger(FailedAttemptGuard.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final int limit;
    private final Duration window;
    private final Ticker ticker;
    private final AddressGroups groups;
    /** By address group ({@link AddressGroups}). */
    private final Cache<String, Long> blockedUntil;

    public FailedAttemptGuard(
            SharedRedisConnection redis,
            RedisKeys keys,
            int limit,
            Duration window,
            Ticker ticker,
            AddressGroups groups) {
        this.redis = redis;
        this.keys = keys;
        this.groups = groups;
        this.limit = limit;
        this.window = window;
        this.ticker = ticker;
        this.blockedUntil = Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(MAXIMUM_BLOCKED_ADDRESSES)
                .ticker(ticker)
                .build();
    }

    /** Whole seconds until {@code address} may try again (at least 1), or 0 if it is not blocked. */
    public long secondsBlocked(String address) {
        return secondsBlockedFor(groups.of(address));
    }

    /** The address group {@code address} is counted in, and blocked or lifted as one. */
    public String groupOf(String address) {
        return groups.of(address);
    }

    private long secondsBlockedFor(String group) {
        Long until = blockedUntil.getIfPresent(group);
        if (until == null) {
            return 0;
        }
        long left = until - ticker.read();
        return left <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999));
    }

    /** Forgets this instance's memory of a block on {@code address} (see {@link BlockLifts}). */
    void forget(String address) {
        blockedUntil.invalidate(groups.of(address));
    }

    /**
     * Counts one invalid-token attempt from {@code address} and returns the seconds it is now blocked for, 0 if not.
     * A failure to count is not the client's: it leaves the address unblocked.
     */
    public Mono<Long> recordFailure(String address) {
        if (limit == 0) {
            return NOT_BLOCKED;
        }
        String group = groups.of(address);
        return COUNT_FAILURE
                .run(redis, keys.failedAttempts(group), Long.toString(window.toMillis()))
                .map(counted -> block(group, counted.count(), counted.windowLeftMillis()))
                .onErrorResume(error -> {
                    log.debug("Could not count a failed attempt: {}", error.toString());
                    return NOT_BLOCKED;
                });
    }

    private long block(String group, long failures, long windowLeftMillis) {
        if (failures <= limit || windowLeftMillis <= 0) {
            return 0;
        }
        if (failures == limit + 1) {
            log.warn(
                    "Client {} made more than {} invalid-token attempts within {}: refusing it for {} ms",
                    group,
                    limit,
                    window,
                    windowLeftMillis);
        }
        blockedUntil.put(group, ticker.read() + TimeUnit.MILLISECONDS.toNanos(windowLeftMillis));
        return secondsBlockedFor(group);
    }

    /** An address group's failures in the current window, and how long the window has left. */
    private record Failures(long count, long windowLeftMillis) {}
}
