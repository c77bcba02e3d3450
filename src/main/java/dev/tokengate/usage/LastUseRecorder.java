package dev.tokengate.usage;

import dev.tokengate.redis.LuaScript;
import dev.tokengate.redis.RedisFailure;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisListener;
import dev.tokengate.redis.SharedRedisConnection;
import dev.tokengate.token.TokenRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Notes each accepted token in memory (a map lookup when it is already noted) and writes what it noted to Redis on a
 * timer, off the request path: one script per few hundred tokens, adding each token's hash to {@link
 * RedisKeys#lastUsed()} with the time of the write. That key is not a token key, so the write invalidates no near
 * cache.
 */
public class LastUseRecorder extends RedisListener {

    /** After the web server has stopped (so the last requests are written), before the Redis connection closes. */
    public static final int PHASE = SharedRedisConnection.PHASE + 512;

    /** Members per script: well inside Lua's stack, small enough not to hold Redis up. */
    static final int BATCH = 500;

    /**
     * ARGV[1]: the time of the write (epoch ms), ARGV[2]: the oldest time kept, then token hashes. GT: an instance
     * whose clock is behind never moves a last use back.
     */
    private static final LuaScript<Long> WRITE = LuaScript.returningNumber("""
            for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[i]) end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
            return #ARGV - 2
            """);

    private static final Logger log = LoggerFactory.getLogger(LastUseRecorder.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final LastUseProperties properties;
    private final boolean recording;
    private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    private volatile boolean failing;

    /** @param recording false records nothing (not enabled, or keys that hold raw tokens) */
    public LastUseRecorder(
            SharedRedisConnection redis, RedisKeys keys, LastUseProperties properties, boolean recording) {
        this.redis = redis;
        this.keys = keys;
        this.properties = properties;
        this.recording = recording;
    }

    /** Notes that a token was accepted; on the request path, so no more than a map lookup once noted. */
    public void used(TokenRecord token) {
        if (recording && !seen.containsKey(token.key())) {
            seen.put(token.key(), Boolean.TRUE);
        }
    }

    /** Writes the tokens noted since the last write; a failed write keeps them for the next one. */
    Mono<Long> flush() {
        List<String> hashes = drain();
        if (hashes.isEmpty()) {
            return Mono.just(0L);
        }
        long now = System.currentTimeMillis();
        long oldestKept = now - properties.retention().toMillis();
        return Flux.fromIterable(partition(hashes))
                .flatMap(batch -> write(batch, now, oldestKept).onErrorResume(error -> {
                    batch.forEach(hash -> seen.putIfAbsent(keys.token(hash), Boolean.TRUE));
                    failed(error);
                    return Mono.just(-1L);
                }))
                .reduce(0L, (written, more) -> written < 0 || more < 0 ? -1 : written + more)
                .doOnNext(written -> {
                    if (written >= 0 && failing) {
                        failing = false;
                        log.info("Recording tokens' last use again");
                    }
                });
    }

    /** Logged once until a write succeeds again: requests are not affected, only what the admin API shows. */
    private void failed(Throwable error) {
        if (!failing) {
            failing = true;
            log.warn(
                    "Could not record tokens' last use, will keep trying every {}: {}",
                    properties.interval(),
                    RedisFailure.of(error).describe());
        }
    }

    private List<String> drain() {
        List<String> hashes = new ArrayList<>(seen.size());
        for (String key : seen.keySet()) {
            if (seen.remove(key) != null) {
                hashes.add(keys.hashedTokenOf(key));
            }
        }
        return hashes;
    }

    private static List<List<String>> partition(List<String> hashes) {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < hashes.size(); from += BATCH) {
            batches.add(hashes.subList(from, Math.min(hashes.size(), from + BATCH)));
        }
        return batches;
    }

    private Mono<Long> write(List<String> hashes, long now, long oldestKept) {
        List<String> args = new ArrayList<>(2 + hashes.size());
        args.add(Long.toString(now));
        args.add(Long.toString(oldestKept));
        args.addAll(hashes);
        return WRITE.run(redis, keys.lastUsed(), args);
    }

    /** The timer that writes what was used every {@code interval}; none when nothing is recorded. */
    @Override
    protected Disposable listen() {
        if (!recording) {
            return Disposables.disposed();
        }
        Duration interval = properties.interval();
        return Flux.interval(interval, interval, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> flush(), 1)
                .subscribe();
    }

    /** Writes what the last requests used, waiting a little: this runs on the shutdown thread, never an event loop. */
    @Override
    public void stop() {
        super.stop();
        flush().timeout(Duration.ofSeconds(2)).onErrorReturn(0L).block();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
