package dev.tokengate.auth;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code tokengate.auth.stale-if-unavailable} set: a Redis outage spares recently validated tokens, and only them. */
class StaleIfUnavailableIntegrationTest {

    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startGatewayWithStaleWindow() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        gateway = GatewayInstance.start(redis, "tokengate.auth.stale-if-unavailable=5m");
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void duringAnOutageOnlyTokensValidatedBeforeItAreAcceptedWithTheirIdentity() {
        String recent = tokens.issue("alice", "orders:read");
        String neverSeen = tokens.issue("bob", "orders:read");
        String revoked = tokens.issue("carol", "orders:read");
        get(recent).expectStatus().isOk();
        get(revoked).expectStatus().isOk();
        tokens.revoke(revoked);
        // Refused on the next request, or within RefusalTimer.BOUND when the invalidation trails it on a busy machine
        RefusalTimer.Refusal refusal = RefusalTimer.awaitStatus(
                gateway.client(), "/orders/1", revoked, HttpStatus.UNAUTHORIZED, System.nanoTime());
        assertThat(refusal.isInTime()).as("%s", refusal).isTrue();

        redis.stop();
        try {
            upstream.clear();
            get(recent).expectStatus().isOk();
            assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
            assertThat(upstream.lastRequest().header("X-User-Scopes")).isEqualTo("orders:read");

            upstream.clear();
            assertProblem(
                    get(neverSeen),
                    HttpStatus.SERVICE_UNAVAILABLE,
                    null,
                    "Authentication service unavailable.",
                    "/orders/1");
            get(revoked).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(upstream.requestCount()).isZero();
        } finally {
            redis.start();
        }
    }

    private static WebTestClient.ResponseSpec get(String token) {
        return BearerRequests.get(gateway.client(), "/orders/1", token);
    }
}
