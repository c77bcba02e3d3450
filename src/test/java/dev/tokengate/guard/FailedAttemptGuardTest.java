package dev.tokengate.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The window of the brute-force guard, shortened to a second, against the real test Redis. */
class FailedAttemptGuardTest {

    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final TestRedis redis = TestRedis.shared();
    private static TestRedisConnection connection;
    private static TestTokens tokens;

    private final AtomicLong nanos = new AtomicLong(System.nanoTime());
    private final Ticker clock = nanos::get;

    @BeforeAll
    static void connect() {
        connection = TestRedisConnection.to(redis);
        tokens = new TestTokens(redis);
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        tokens.close();
    }

    @Test
    void addressIsBlockedPastTheLimitForTheRestOfTheWindowOnly() {
        FailedAttemptGuard guard =
                new FailedAttemptGuard(connection.shared(), TestTokens.KEYS, 2, WINDOW, clock, new AddressGroups(64));
        String address = "198.51.100.7";

        assertThat(guard.recordFailure(address).block()).isZero();
        assertThat(guard.recordFailure(address).block()).isZero();
        assertThat(guard.recordFailure(address).block()).isEqualTo(1);
        assertThat(guard.secondsBlocked(address)).isEqualTo(1);

        nanos.addAndGet(WINDOW.toNanos());
        assertThat(guard.secondsBlocked(address)).isZero();
        // Redis's window ends by itself: the next failure is the first of a new one.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(guard.recordFailure(address).block()).isZero());
    }

    @Test
    void failureToCountLeavesTheAddressUnblocked() {
        try (TestRedisConnection nowhere = TestRedisConnection.toNowhere()) {
            FailedAttemptGuard guard =
                    new FailedAttemptGuard(nowhere.shared(), TestTokens.KEYS, 1, WINDOW, clock, new AddressGroups(64));

            for (int i = 0; i < 3; i++) {
                assertThat(guard.recordFailure("203.0.113.1").block()).isZero();
            }
            assertThat(guard.secondsBlocked("203.0.113.1")).isZero();
        }
    }

    @Test
    void guardWithALimitOfZeroIsOffCountingNothing() {
        FailedAttemptGuard guard =
                new FailedAttemptGuard(connection.shared(), TestTokens.KEYS, 0, WINDOW, clock, new AddressGroups(64));
        String address = "198.51.100.8";

        for (int i = 0; i < 3; i++) {
            assertThat(guard.recordFailure(address).block()).isZero();
        }

        assertThat(guard.secondsBlocked(address)).isZero();
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts(address))).isFalse();
    }
}
