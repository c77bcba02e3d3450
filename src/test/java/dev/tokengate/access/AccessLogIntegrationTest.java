package dev.tokengate.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenHashing;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

@ExtendWith(OutputCaptureExtension.class)
class AccessLogIntegrationTest extends GatewayIntegrationTest {

    @Test
    void requestWithoutAnIdGetsOneUpstreamAndInTheResponse() {
        assertNewIdUpstreamAndBack(client.get().uri("/public/status"));
    }

    @Test
    void wellFormedClientIdIsKept() {
        String id = "3f2a9c1e-7b4d-4e8a-9f00-1c2d3e4f5a6b";

        client.get()
                .uri("/public/status")
                .header("X-Request-Id", id)
                .exchange()
                .expectHeader()
                .valueEquals("X-Request-Id", id);

        assertThat(upstream.lastRequest().header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void malformedClientIdIsReplaced() {
        for (String malformed : List.of("has space", "x".repeat(129), "quote\"d", "semi;colon")) {
            assertNewIdUpstreamAndBack(client.get().uri("/public/status").header("X-Request-Id", malformed));
        }
    }

    /** The gateway's own answers too: no route, a refused path, a missing token, on both ports. */
    @Test
    void everyAnswerTheGatewayWritesItselfCarriesTheRequestIdOnce() {
        for (String path : List.of("/no/such/route", "/public/%2e%2e/orders", "/orders/1")) {
            RawHttpClient.Response response = new RawHttpClient(port).get(path, "X-Request-Id: req-own-answer");
            assertThat(response.status()).isGreaterThanOrEqualTo(400);
            assertThat(response.headerLines())
                    .filteredOn(line -> line.toLowerCase(Locale.ROOT).startsWith("x-request-id:"))
                    .containsExactly("X-Request-Id: req-own-answer");
        }
        RawHttpClient.Response management =
                new RawHttpClient(managementPort).get("/admin/tokens", "X-Request-Id: req-own-answer");
        assertThat(management.header("X-Request-Id")).isEqualTo("req-own-answer");
    }

    private void assertNewIdUpstreamAndBack(WebTestClient.RequestHeadersSpec<?> request) {
        String returned =
                request.exchange().returnResult(Void.class).getResponseHeaders().getFirst("X-Request-Id");

        assertThat(returned).matches("[0-9a-f]{32}");
        assertThat(upstream.lastRequest().header("X-Request-Id")).isEqualTo(returned);
    }

    @Test
    void everyAnswerHasOneAccessLineWithIdRouteUserStatus(CapturedOutput output) {
        String token = tokens.issue("alice", "orders:read");

        client.get()
                .uri("/orders/7?secret=query")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header("X-Request-Id", "req-ok-1")
                .exchange()
                .expectStatus()
                .isOk();
        client.get().uri("/orders/7").header("X-Request-Id", "req-missing-1").exchange();
        client.get().uri("/no/route").header("X-Request-Id", "req-noroute-1").exchange();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains(
                                "request_id=req-ok-1 method=GET path=/orders/7 route=orders user=alice status=200 duration_ms=")
                        .contains("request_id=req-missing-1 method=GET path=/orders/7 route=orders user=- status=401")
                        .contains("request_id=req-noroute-1 method=GET path=/no/route route=- user=- status=404"));
        assertThat(output.getOut()).doesNotContain("secret=query");
    }

    /** A client that gives up before the answer is logged as 499, not with whatever status had been set by then. */
    @Test
    void clientThatLeavesBeforeTheAnswerIsLogged499(CapturedOutput output) throws Exception {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.getOutputStream()
                    .write(("GET /slow/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: req-left-1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(50);
        }

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains("request_id=req-left-1 method=GET path=/slow/1 route=slow user=- status=499"));
    }

    /** Valid, unknown, malformed and badly stored tokens all go through; not one, nor its hash, reaches the log. */
    @Test
    void noTokenAndNoFullTokenHashEverAppearsInTheLog(CapturedOutput output) {
        String valid = tokens.issue("alice", "orders:read");
        String unknown = TestTokens.newToken();
        String wrongType = TestTokens.newToken();
        tokens.redis().set(TestTokens.keyOf(wrongType), "not a hash");
        String noUser = TestTokens.newToken();
        tokens.redis().hset(TestTokens.keyOf(noUser), "scopes", "orders:read");
        String malformed = TestTokens.newToken();

        bearer("/orders/1", valid).expectStatus().isOk();
        bearer("/orders-admin/1", valid).expectStatus().isForbidden();
        bearer("/orders/1", unknown).expectStatus().isUnauthorized();
        bearer("/orders/1", wrongType).expectStatus().isUnauthorized();
        bearer("/orders/1", noUser).expectStatus().isUnauthorized();
        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + malformed + " extra")
                .header("X-Request-Id", "req-last")
                .exchange()
                .expectStatus()
                .isBadRequest();

        await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("request_id=req-last"));
        assertThat(output.getOut()).contains("Token data problem");
        for (String token : List.of(valid, unknown, wrongType, noUser, malformed)) {
            assertThat(output.getOut()).doesNotContain(token).doesNotContain(TokenHashing.sha256Hex(token));
        }
    }
}
