package dev.tokengate.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.guard.AddressGroups;
import dev.tokengate.guard.FailedAttemptGuard;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.usage.LastUseProperties;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * A {@link TokenCheck} wired as the gateway wires one, on real Redis connections, for tests of the check and of what
 * renders its decision; each test names only what it varies: the schemes, the guard's limit, a
 * token store on another connection (one to nowhere, say).
 */
final class TestTokenCheck {

    private final TestRedisConnection redis;
    private TestRedisConnection storeRedis;
    private List<String> schemes = List.of("Bearer");
    private int failedAttemptLimit;

    private TestTokenCheck(TestRedisConnection redis) {
        this.redis = redis;
        this.storeRedis = redis;
    }

    /** A check whose store, guard and last-use recorder talk to this Redis; the guard off. */
    static TestTokenCheck on(TestRedisConnection redis) {
        return new TestTokenCheck(redis);
    }

    TestTokenCheck schemes(String... accepted) {
        this.schemes = List.of(accepted);
        return this;
    }

    TestTokenCheck failedAttemptLimit(int limit) {
        this.failedAttemptLimit = limit;
        return this;
    }

    /** Tokens are looked up on this connection instead. */
    TestTokenCheck storeOn(TestRedisConnection store) {
        this.storeRedis = store;
        return this;
    }

    AuthProperties properties() {
        return new AuthProperties(schemes, "X-User-Id", "X-User-Scopes", false);
    }

    TokenCheck build(MeterRegistry meters) {
        return new TokenCheck(
                properties(),
                new RedisTokenStore(
                        storeRedis.shared(), TestTokens.KEYS, TokenHashing.SHA256, Duration.ofMillis(500), meters),
                new FailedAttemptGuard(
                        redis.shared(),
                        TestTokens.KEYS,
                        failedAttemptLimit,
                        Duration.ofMinutes(1),
                        Ticker.systemTicker(),
                        new AddressGroups(64)),
                new LastUseRecorder(
                        redis.shared(),
                        TestTokens.KEYS,
                        new LastUseProperties(false, Duration.ofMinutes(1), Duration.ofDays(90)),
                        false),
                meters);
    }
}
