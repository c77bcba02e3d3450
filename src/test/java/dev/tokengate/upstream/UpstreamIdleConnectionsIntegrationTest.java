package dev.tokengate.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.KeepAliveUpstream;
import dev.tokengate.support.KeepAliveUpstream.ConnectionEnd;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Idle upstream connections: the gateway closes a pooled connection unused for {@code max-idle-time} (4 s by default),
 * before the keep-alive timeout of most upstreams; against an upstream that closes them sooner, safe requests caught
 * by the close are sent again and unsafe ones never.
 */
class UpstreamIdleConnectionsIntegrationTest extends GatewayIntegrationTest {

    private static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofSeconds(4);
    private static final int ROUNDS = 3;

    @Test
    void aConnectionUnusedForTheMaxIdleTimeIsClosedByTheGatewayAndCounted() {
        KeepAliveUpstream kept = KeepAliveUpstream.shared();
        kept.clear();
        double evictionsBefore = idleEvictions(management);
        String path = "/kept-alive-public/" + UUID.randomUUID();
        long sent = System.nanoTime();

        client.get().uri(path).exchange().expectStatus().isOk();

        await().atMost(DEFAULT_MAX_IDLE_TIME.multipliedBy(3))
                .until(() -> kept.ends().stream().anyMatch(end -> path.equals(pathOf(end))));
        Duration idle = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(kept.ends())
                .filteredOn(end -> path.equals(pathOf(end)))
                .singleElement()
                .satisfies(end -> {
                    assertThat(end.how()).isEqualTo("closed by the gateway between requests");
                    assertThat(end.cutShort()).isFalse();
                });
        assertThat(idle).as("closed only once idle long enough").isGreaterThanOrEqualTo(DEFAULT_MAX_IDLE_TIME);
        assertThat(idleEvictions(management)).isGreaterThan(evictionsBefore);
    }

    /**
     * Each request goes out once the upstream connection a request before it left in the pool has been idle for a
     * second: the upstream closes the connection as the request arrives. One client connection to the gateway, so
     * that every request is routed on the same event loop, whose pool holds that one upstream connection.
     */
    @Test
    void againstAnUpstreamClosingIdleConnectionsAfterOneSecondSafeRequestsNeverFailAndUnsafeOnesNeverRepeat()
            throws Exception {
        try (KeepAliveUpstream closing = KeepAliveUpstream.start(Duration.ZERO, Duration.ofSeconds(1));
                GatewayInstance gateway = GatewayInstance.start(
                        redis,
                        "spring.cloud.gateway.server.webflux.routes[0].id=closing",
                        "spring.cloud.gateway.server.webflux.routes[0].uri=" + closing.url(),
                        "spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/closing/**",
                        "spring.cloud.gateway.server.webflux.routes[0].metadata.auth=none")) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, Integer> getAnswers = new LinkedHashMap<>();
            Map<String, Integer> postAnswers = new LinkedHashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                leaveAConnectionIdleForASecond(http, gateway);
                String get = "/closing/get/" + UUID.randomUUID();
                getAnswers.put(get, send(http, gateway, "GET", get));
                leaveAConnectionIdleForASecond(http, gateway);
                String post = "/closing/post/" + UUID.randomUUID();
                postAnswers.put(post, send(http, gateway, "POST", post));
            }

            assertThat(closing.ends())
                    .as("requests that crossed the upstream's close of an idle connection")
                    .filteredOn(end -> end.how().endsWith("as a request came"))
                    .hasSizeGreaterThanOrEqualTo(ROUNDS);
            assertThat(getAnswers)
                    .as("GETs by status")
                    .allSatisfy((get, status) -> assertThat(status).isEqualTo(200));
            postAnswers.forEach((post, status) -> {
                assertThat(status).as(post).isIn(200, 502);
                assertThat(closing.arrivals(post)).as("arrivals of " + post).isEqualTo(status == 200 ? 1 : 0);
            });
        }
    }

    private static int send(HttpClient http, GatewayInstance gateway, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + TestRedis.HOST + ":" + gateway.port() + path))
                .method(
                        method,
                        method.equals("POST") ? BodyPublishers.ofString("charge 10 EUR") : BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build();
        return http.send(request, BodyHandlers.discarding()).statusCode();
    }

    /**
     * A request that leaves its upstream connection in the pool, then a pause a little longer than the upstream's idle
     * timeout, well within the moment it takes to close.
     */
    private static void leaveAConnectionIdleForASecond(HttpClient http, GatewayInstance gateway) throws Exception {
        assertThat(send(http, gateway, "GET", "/closing/warm-up/" + UUID.randomUUID()))
                .isEqualTo(200);
        Thread.sleep(1_100);
    }

    private static String pathOf(ConnectionEnd end) {
        return end.lastRequest() == null ? null : end.lastRequest().split(" ")[1];
    }

    private static double idleEvictions(WebTestClient management) {
        return PrometheusScrape.sum(management, "tokengate_upstream_evictions_total", "reason=\"idle\"");
    }
}
