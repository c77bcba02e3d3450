package dev.tokengate.auth;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The gateway fails closed when Redis cannot answer, answers fast, and recovers by itself. */
class RedisOutageIntegrationTest extends GatewayIntegrationTest {

    /** {@code tokengate.auth.redis-timeout} (500 ms by default) plus room for a loaded 2-core build machine. */
    private static final Duration ANSWER_BOUND = Duration.ofMillis(1500);

    @Test
    void stoppedRedisGives503WithRetryAfterAndForwardsNothingThenRecoversWithoutRestart() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/orders/1", token).expectStatus().isOk();
        upstream.clear();

        redis.stop();
        try {
            assertRefusedAsUnavailableInTime(token);
            management
                    .get()
                    .uri("/actuator/health/readiness")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            management
                    .get()
                    .uri("/actuator/health/liveness")
                    .exchange()
                    .expectStatus()
                    .isOk();
        } finally {
            redis.start();
        }

        // The restarted server is empty, as after a crash without persistence: ops restore the token.
        tokens.store(TestTokens.keyOf(token), "alice", "orders:read");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isOk());
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
        management
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** A token the gateway has not seen yet: a cached one is answered from memory (see the cache tests). */
    @Test
    void redisSlowerThanTheTimeoutGives503WithinTheTimeout() {
        String token = tokens.issue("alice", "orders:read");

        tokens.redis().clientPause(3000);
        assertRefusedAsUnavailableInTime(token);

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isOk());
    }

    private void assertRefusedAsUnavailableInTime(String token) {
        long started = System.nanoTime();
        WebTestClient.ResponseSpec response = bearer("/orders/1", token);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
        assertProblem(
                response, HttpStatus.SERVICE_UNAVAILABLE, null, "Authentication service unavailable.", "/orders/1");
        response.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");
        assertThat(upstream.requestCount()).isZero();
    }
}
