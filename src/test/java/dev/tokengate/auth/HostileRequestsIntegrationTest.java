package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests an attacker writes by hand. None of them reaches an upstream unauthenticated, and none gets a 5xx: the
 * protected route {@code /orders/**} must never see a request, whatever framing tricks carry it.
 */
class HostileRequestsIntegrationTest extends GatewayIntegrationTest {

    @AfterEach
    void nothingReachedTheProtectedRoute() {
        assertThat(upstream.requests()).noneMatch(request -> request.uri().startsWith("/orders"));
    }

    @Test
    void headersOverTheServerLimitAre431() {
        RawHttpClient.Response response =
                raw().get("/orders/1", "Authorization: Bearer x", "X-Padding: " + "a".repeat(16 * 1024));

        assertThat(response.status()).isEqualTo(431);
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * The smuggled request carries a valid token, so a gateway that split the body into a second request (or framed
     * the body for its upstream one way and the headers another) would have it answered by the upstream. Reactor
     * Netty refuses a request with both framings (RFC 9112 section 6.1 allows it) and closes the connection, even a
     * kept-alive one, after that one answer: nothing reaches the upstream.
     */
    @Test
    void contentLengthTogetherWithChunkedCannotSmuggleASecondRequest() {
        String token = tokens.issue("smuggler", "orders:read");
        String smuggled =
                "GET /orders/smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        String body = "0\r\n\r\n" + smuggled;
        String answers = new String(
                raw().sendAndReadAll(ascii("POST /public/1 HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\n"
                        + "Content-Length: " + body.length() + "\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n"
                        + body)),
                StandardCharsets.ISO_8859_1);

        assertThat(answers).startsWith("HTTP/1.1 ");
        assertThat(answers.split("HTTP/1\\.1 ", -1)).as(answers).hasSize(2);
        assertThat(RawHttpClient.Response.parse(answers).status()).isEqualTo(400);
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void duplicateContentLengthIsRefusedWith400() {
        RawHttpClient.Response response = raw().send(ascii("POST /public/1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Length: 4\r\n"
                + "Content-Length: 40\r\n"
                + "Connection: close\r\n\r\n"
                + "abcd"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * A valid token followed by an encoded line break and a header: a gateway that decoded the value and split it
     * would check the valid token and forward the injected header. Taken as written, it is one unknown token.
     */
    @Test
    void encodedLineBreaksInATokenAreJustAnUnknownToken() {
        String valid = tokens.issue("alice", "orders:read");
        RawHttpClient.Response response =
                raw().get("/orders/1", "Authorization: Bearer " + valid + "%0d%0aX-User-Id:%20admin");

        assertThat(response.status()).isEqualTo(401);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void encodedLineBreaksInThePathAreRefusedAndInjectNoHeader() {
        RawHttpClient.Response response = raw().get("/public/x%0d%0aX-User-Id:%20admin");

        assertThat(response.status()).isEqualTo(400);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void encodedLineBreaksInAnIdentityHeaderValueNeverReachTheUpstream() {
        RawHttpClient.Response response = raw().get("/public/1", "X-User-Id: admin%0d%0aX-User-Scopes:%20all");

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.lastRequest().hasHeader("X-User-Id")).isFalse();
        assertThat(upstream.lastRequest().hasHeader("X-User-Scopes")).isFalse();
    }

    private RawHttpClient raw() {
        return new RawHttpClient(port);
    }

    private static byte[] ascii(String request) {
        return request.getBytes(StandardCharsets.US_ASCII);
    }
}
