package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RecordingUpstream;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Over HTTP/2 (h2c, by prior knowledge, with {@code server.http2.enabled} and no TLS), the token check and the
 * gateway's headers hold as on HTTP/1.1: Netty's conversion headers, which it adds to every request that came as a
 * stream, never reach the upstream, and neither does a client's identity header in any spelling.
 */
@TestPropertySource(properties = "server.http2.enabled=true")
@DirtiesContext // a context no other test shares: closed after, not kept running beside the next tests
class Http2CleartextIntegrationTest extends GatewayIntegrationTest {

    private HttpClient h2c;

    @BeforeEach
    void connect() {
        h2c = HttpClient.create().protocol(HttpProtocol.H2C).baseUrl("http://127.0.0.1:" + port);
        upstream.clear();
    }

    @Test
    void aValidTokenReachesTheUpstreamWithTheIdentityAndNoConversionOrClientIdentityHeaders() {
        String token = tokens.issue("alice", "orders:read");

        Answer answer = get(
                "/orders/1",
                headers -> headers.add("authorization", "Bearer " + token)
                        .add("x-user-id", "admin")
                        .add("x_user_id", "admin")
                        .add("x-http2-scheme", "gopher")
                        .add("x-http2-stream-id", "99"));

        assertThat(answer.version()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-User-Id")).isEqualTo("alice");
        assertThat(received.headersNamedLike("x-http2-")).isEmpty();
        assertThat(received.headersNamedLike("x-user-id")).containsExactly("X-User-Id");
        assertThat(received.headers().values()).doesNotContain("admin", "gopher", "99");
    }

    @Test
    void aRequestWithoutATokenIsAnswered401AndNeverReachesTheUpstream() {
        Answer answer = get("/orders/1", headers -> {});

        assertThat(answer.version()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.challenge()).startsWith("Bearer");
        assertThat(upstream.requestCount()).isZero();
    }

    private Answer get(String path, Consumer<HttpHeaders> headers) {
        return h2c.headers(headers)
                .get()
                .uri(path)
                .responseSingle((response, body) -> body.asString()
                        .defaultIfEmpty("")
                        .map(text -> new Answer(
                                response.version().text(),
                                response.status().code(),
                                response.responseHeaders().get("www-authenticate"))))
                .switchIfEmpty(Mono.error(new AssertionError("no answer")))
                .block(Duration.ofSeconds(10));
    }

    private record Answer(String version, int status, String challenge) {}
}
