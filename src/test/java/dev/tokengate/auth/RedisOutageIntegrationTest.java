package dev.tokengate.auth;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.ConcurrentTraffic;
import dev.tokengate.support.ConcurrentTraffic.Exchange;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The gateway fails closed when Redis cannot answer, answers fast, and recovers by itself. */
class RedisOutageIntegrationTest extends GatewayIntegrationTest {

    @Autowired
    InvalidationTracker tracker;

    /**
     * {@code tokengate.auth.redis-timeout} (500 ms) plus ample room for a loaded 2-core build machine; still half of
     * {@link #STALL}, so a request that waited for a stalled Redis instead of timing out fails the test.
     */
    private static final Duration ANSWER_BOUND = Duration.ofMillis(2500);

    private static final Duration STALL = Duration.ofSeconds(5);

    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);

    @Test
    void stoppedRedisGives503WithRetryAfterWhileTheInstanceStaysReadyThenRecoversWithoutRestart() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/orders/1", token).expectStatus().isOk();
        upstream.clear();

        redis.stop();
        try {
            // The token is near-cached: it may be answered from memory until the gateway has noticed the dropped
            // tracking connection (README, "Near cache and revocation"), which takes milliseconds, not a request's
            // time.
            await().atMost(ANSWER_BOUND).until(() -> !tracker.isTracking());
            assertRefusedAsUnavailableInTime(client, token);
            assertReadiness(management, HttpStatus.OK);
            client.get().uri("/public/1").exchange().expectStatus().isOk();
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
        await().atMost(RECOVERY_BOUND)
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isOk());
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
        assertReadiness(management, HttpStatus.OK);
    }

    /** A token the gateway has not seen yet: a cached one is answered from memory (see the cache tests). */
    @Test
    void redisSlowerThanTheTimeoutGives503WithinTheTimeout() {
        String token = tokens.issue("alice", "orders:read");

        tokens.redis().clientPause(STALL.toMillis());
        assertRefusedAsUnavailableInTime(client, token);

        await().atMost(RECOVERY_BOUND)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isOk());
    }

    /**
     * Until it has read the routes stored in Redis, an instance serves nothing, public routes included, and is not
     * ready (see {@code RoutesNotReadYetIntegrationTest}); once Redis appears it serves without a restart.
     */
    @Test
    void gatewayStartedWhileRedisIsDownAnswers503UntilRedisAppearsThenServesWithoutRestart() {
        TestRedis late = TestRedis.startNew();
        late.stop();
        try (GatewayInstance gateway = GatewayInstance.start(late)) {
            upstream.clear();
            assertReadiness(gateway.management(), HttpStatus.SERVICE_UNAVAILABLE);
            gateway.client()
                    .get()
                    .uri("/public/1")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader()
                    .valueEquals(HttpHeaders.RETRY_AFTER, "1");
            BearerRequests.get(gateway.client(), "/orders/1", TestTokens.newToken())
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(upstream.requestCount()).isZero();

            late.start();
            try (TestTokens lateTokens = new TestTokens(late)) {
                String token = lateTokens.issue("alice", "orders:read");
                await().atMost(RECOVERY_BOUND)
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", token)
                                .expectStatus()
                                .isOk());
            }
            gateway.client().get().uri("/public/1").exchange().expectStatus().isOk();
            assertReadiness(gateway.management(), HttpStatus.OK);
        } finally {
            late.stop();
        }
    }

    @Test
    void redisKilledMidTrafficGives503sInTimeLetsNothingUncheckedThroughAndRecoversByItself() {
        List<String> valid = issueTokens(20);
        try (ConcurrentTraffic traffic = ConcurrentTraffic.start(port, "/orders/1", valid, unknownTokens(5), 4)) {
            awaitAnswers(traffic, HttpStatus.OK, 50);

            redis.kill();
            awaitAnswers(traffic, HttpStatus.SERVICE_UNAVAILABLE, 8);
            redis.start();
            valid.forEach(token -> tokens.store(TestTokens.keyOf(token), "alice", "orders:read"));
            int okBefore = count(traffic.exchanges(), HttpStatus.OK);
            awaitAnswers(traffic, HttpStatus.OK, okBefore + 50);

            assertNothingUncheckedGotThrough(traffic.stop());
        }
    }

    @Test
    void redisStalledByALongCommandGives503sInTimeAndRecoversByItself() {
        List<String> valid = issueTokens(20);
        try (ConcurrentTraffic traffic = ConcurrentTraffic.start(port, "/orders/1", valid, unknownTokens(5), 4)) {
            awaitAnswers(traffic, HttpStatus.OK, 50);

            tokens.sleepServer(STALL);
            awaitAnswers(traffic, HttpStatus.SERVICE_UNAVAILABLE, 8);
            int okBefore = count(traffic.exchanges(), HttpStatus.OK);
            awaitAnswers(traffic, HttpStatus.OK, okBefore + 50);

            assertNothingUncheckedGotThrough(traffic.stop());
        }
    }

    private static void assertNothingUncheckedGotThrough(List<Exchange> exchanges) {
        ConcurrentTraffic.assertNothingUncheckedGotThrough(exchanges, upstream.requestIds(), ANSWER_BOUND);
    }

    private static void awaitAnswers(ConcurrentTraffic traffic, HttpStatus status, int atLeast) {
        traffic.awaitAnswers(status, atLeast, RECOVERY_BOUND);
    }

    private static int count(List<Exchange> exchanges, HttpStatus status) {
        return ConcurrentTraffic.count(exchanges, status);
    }

    private static List<String> issueTokens(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> tokens.issue("alice", "orders:read"))
                .toList();
    }

    private static List<String> unknownTokens(int count) {
        return IntStream.range(0, count).mapToObj(i -> TestTokens.newToken()).toList();
    }

    private static void assertReadiness(WebTestClient management, HttpStatus expected) {
        management
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isEqualTo(expected);
    }

    private static void assertRefusedAsUnavailableInTime(WebTestClient client, String token) {
        upstream.clear();
        long started = System.nanoTime();
        WebTestClient.ResponseSpec response = BearerRequests.get(client, "/orders/1", token);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ANSWER_BOUND);
        assertProblem(
                response, HttpStatus.SERVICE_UNAVAILABLE, null, "Authentication service unavailable.", "/orders/1");
        response.expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");
        assertThat(upstream.requestCount()).isZero();
    }
}
