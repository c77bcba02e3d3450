package dev.tokengate.token;

import dev.tokengate.http.HttpTokens;
import dev.tokengate.redis.RedisErrorCode;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import io.lettuce.core.RedisCommandTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Reads tokens from Redis: one {@code HGETALL} of the token's key ({@link RedisKeys#token}) per lookup. The key's Redis TTL
 * is the token's expiry, so an expired or deleted key is simply an unknown token.
 *
 * <p>Lookups are bounded by Lettuce's command timeout, which {@code RedisConfiguration} sets to {@code
 * tokengate.auth.redis-timeout}: its timer wheel is cheaper per command than a Reactor timeout operator.
 */
public class RedisTokenStore implements TokenStore {

    static final int LOGGED_HASH_CHARS = 12;

    private static final Logger log = LoggerFactory.getLogger(RedisTokenStore.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final TokenHashing hashing;
    private final Duration timeout;

    private final Timer answered;
    private final Timer failed;

    public RedisTokenStore(
            SharedRedisConnection redis,
            RedisKeys keys,
            TokenHashing hashing,
            Duration timeout,
            MeterRegistry registry) {
        this.redis = redis;
        this.keys = keys;
        this.hashing = hashing;
        this.timeout = timeout;
        this.answered = lookupTimer(registry, "answered");
        this.failed = lookupTimer(registry, "failed");
    }

    /** How the keys name tokens: by their SHA-256, or as they are. */
    public TokenHashing hashing() {
        return hashing;
    }

    private static Timer lookupTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("tokengate.redis.lookups")
                .description("Token lookups in Redis: answered (valid or unknown token) or failed (Redis unavailable)")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    @Override
    public Mono<TokenRecord> lookup(String rawToken) {
        return find(keyFor(rawToken));
    }

    @Override
    public Mono<TokenRecord> lookupHash(String sha256Hex) {
        return find(keyForHash(sha256Hex));
    }

    /** The Redis key of a credential stored by its SHA-256 (see {@link TokenStore#lookupHash}). */
    public String keyForHash(String sha256Hex) {
        return keys.token(sha256Hex);
    }

    /** The Redis key of a raw token: the key prefix followed by the token, hashed as configured. */
    public String keyFor(String rawToken) {
        return keys.token(hashing.apply(rawToken));
    }

    /** The token under {@code key}: one {@code HGETALL}. Empty when there is no usable token. */
    public Mono<TokenRecord> find(String key) {
        return timed(fields(key))
                .flatMap(fields -> toRecord(key, fields))
                .onErrorResume(RedisTokenStore::isWrongType, e -> dataProblem(key, "is not a hash"))
                .onErrorMap(this::unavailable);
    }

    /**
     * The token under {@code key} and the key's remaining lifetime: {@code HGETALL} and {@code PTTL}, sent together
     * on the shared connection. Never empty: an unknown key gives a {@link StoredToken} without a token. When Redis
     * is too slow both commands time out together; waiting for both keeps the second error from being dropped and
     * logged as an operator failure.
     */
    public Mono<StoredToken> findWithTtl(String key) {
        Mono<Long> ttl = redis.connection()
                .flatMap(connection -> connection.keyCommands().pTtl(ByteUtils.getByteBuffer(key)));
        return timed(Mono.defer(() -> {
                    long sentAt = System.currentTimeMillis();
                    return Mono.zipDelayError(fields(key), ttl)
                            .flatMap(found -> toRecord(key, found.getT1())
                                    .map(token ->
                                            new StoredToken(token.expiringAfter(found.getT2(), sentAt), found.getT2()))
                                    .defaultIfEmpty(StoredToken.UNKNOWN));
                }))
                .onErrorResume(
                        RedisTokenStore::isWrongType,
                        e -> dataProblem(key, "is not a hash").then(Mono.just(StoredToken.UNKNOWN)))
                .onErrorMap(this::unavailable);
    }

    private <T> Mono<T> timed(Mono<T> lookup) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return lookup.doFinally(signal -> {
                if (signal != SignalType.CANCEL) {
                    Timer timer = signal == SignalType.ON_ERROR ? failed : answered;
                    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
            });
        });
    }

    private Mono<Map<String, String>> fields(String key) {
        return redis.connection()
                .flatMap(connection -> connection
                        .hashCommands()
                        .hGetAll(ByteUtils.getByteBuffer(key))
                        .collectMap(entry -> decode(entry.getKey()), entry -> decode(entry.getValue())));
    }

    private Mono<TokenRecord> toRecord(String key, Map<String, String> fields) {
        if (fields.isEmpty()) {
            return Mono.empty();
        }
        String user = fields.get(RedisKeys.USER_FIELD);
        if (user == null || user.isBlank()) {
            return dataProblem(key, "has no user field");
        }
        String scopes = fields.getOrDefault(RedisKeys.SCOPES_FIELD, "").trim();
        if (!HttpTokens.isSafeFieldValue(user) || !HttpTokens.isSafeFieldValue(scopes)) {
            return dataProblem(key, "has a user or scopes value that cannot be sent as a header");
        }
        return Mono.just(new TokenRecord(user.trim(), scopes, key));
    }

    private Mono<TokenRecord> dataProblem(String key, String problem) {
        log.warn("Token data problem: key {} {}; the token is treated as invalid", loggable(key), problem);
        return Mono.empty();
    }

    private Throwable unavailable(Throwable error) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(
                Exceptions.unwrapMultiple(error).get(0));
        String reason = cause instanceof RedisCommandTimeoutException
                ? "no answer within " + timeout.toMillis() + " ms"
                : cause.toString();
        redis.status().failed(error);
        return new TokenStoreUnavailableException("Token store unavailable: " + reason, error);
    }

    /**
     * Enough of the key for ops to find it ({@code redis-cli --scan --pattern 'auth:token:9f86d081884c*'}), never the
     * whole hash, and never a raw token: in none mode the key holds one, so its sha256 fingerprint is shown instead.
     */
    private String loggable(String key) {
        String keyPrefix = keys.tokenPrefix();
        String suffix = key.substring(keyPrefix.length());
        String hash = hashing == TokenHashing.SHA256 ? suffix : TokenHashing.sha256Hex(suffix);
        String shown = hash.substring(0, Math.min(LOGGED_HASH_CHARS, hash.length()));
        return hashing == TokenHashing.SHA256
                ? keyPrefix + shown + "..."
                : keyPrefix + "<raw token with sha256 " + shown + "...>";
    }

    private static boolean isWrongType(Throwable error) {
        return RedisErrorCode.is(error, RedisErrorCode.WRONGTYPE);
    }

    private static String decode(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }
}
