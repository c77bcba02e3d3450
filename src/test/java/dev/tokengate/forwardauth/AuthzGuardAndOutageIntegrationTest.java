package dev.tokengate.forwardauth;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The authorization endpoint's guard, caller check and Redis outage, on a Redis of its own: the guard counts the
 * client the proxy reports, only the configured proxies may ask, and a Redis that cannot answer gives the proxy a 503
 * so that it fails closed too.
 */
class AuthzGuardAndOutageIntegrationTest {

    private static final int LIMIT = 3;
    private static final String API = "api.example.org";

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void start() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        gateway = GatewayInstance.start(
                redis, "spring.profiles.active=authz", "tokengate.auth.failed-attempts-per-minute=" + LIMIT);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void guardCountsTheClientTheProxyReportsNotTheProxy() {
        RecordingUpstream.shared().clear();
        WebTestClient client = gateway.client();
        for (int attempt = 0; attempt < LIMIT; attempt++) {
            askAs(client, "198.51.100.1", "Bearer guessed-" + attempt)
                    .expectStatus()
                    .isUnauthorized();
        }
        askAs(client, "198.51.100.1", "Bearer guessed-again")
                .expectStatus()
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectHeader()
                .exists(HttpHeaders.RETRY_AFTER)
                .expectHeader()
                .valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");

        askAs(client, "198.51.100.2", "Bearer guessed-elsewhere").expectStatus().isUnauthorized();
        String token = tokens.issue("alice", "orders:read");
        askAs(client, "198.51.100.2", "Bearer " + token).expectStatus().isOk();
        assertThat(RecordingUpstream.shared().requestCount()).isZero();
    }

    @Test
    void onlyTheConfiguredProxiesMayAsk() {
        String token = tokens.issue("alice", "orders:read");
        try (GatewayInstance elsewhere = GatewayInstance.start(
                redis, "spring.profiles.active=authz", "tokengate.authz.trusted-proxy-ranges=10.0.0.0/8")) {
            for (AuthzProtocol protocol : AuthzProtocol.values()) {
                assertProblem(
                                protocol.ask(elsewhere.client(), "GET", API, "/status/1", "Bearer " + token),
                                HttpStatus.FORBIDDEN,
                                null,
                                AuthzFilter.UNTRUSTED_CALLER,
                                AuthzProtocol.PATH + (protocol == AuthzProtocol.ENVOY ? "/status/1" : ""))
                        .consumeWith(
                                result -> assertThat(result.getResponseHeaders().getCacheControl())
                                        .isEqualTo("no-store"));
            }
        }
    }

    @Test
    void redisDownGives503WithRetryAfter() {
        String token = tokens.issue("alice", "orders:read");
        InvalidationTracker tracker = gateway.bean(InvalidationTracker.class);
        redis.stop();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> !tracker.isTracking());
            for (AuthzProtocol protocol : AuthzProtocol.values()) {
                assertProblem(
                                protocol.ask(gateway.client(), "GET", API, "/orders/1", "Bearer " + token),
                                HttpStatus.SERVICE_UNAVAILABLE,
                                null,
                                "Authentication service unavailable.",
                                "/orders/1")
                        .consumeWith(
                                result -> assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                                        .isNotBlank());
            }
        } finally {
            redis.start();
        }
    }

    private static WebTestClient.ResponseSpec askAs(WebTestClient client, String clientAddress, String authorization) {
        return client.get()
                .uri(AuthzProtocol.PATH)
                .header("X-Original-Method", "GET")
                .header("X-Original-URI", "/orders/1")
                .header("X-Original-Host", API)
                .header("X-Forwarded-For", clientAddress)
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .exchange();
    }
}
