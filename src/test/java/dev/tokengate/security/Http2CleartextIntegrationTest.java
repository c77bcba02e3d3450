package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.PathSpellings;
import dev.tokengate.support.RawHttp2Connection;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
 * stream, never reach the upstream, and neither does a client's identity header in any spelling. Requests an HTTP/2
 * client library would not build (a header name in capitals, a connection-specific header, a path the firewall
 * refuses) are written frame by frame; each is refused or passes with the gateway's identity only.
 */
@TestPropertySource(properties = {"server.http2.enabled=true", "tokengate.authz.enabled=true", TestAdmin.PROPERTY})
@DirtiesContext // a context no other test shares: closed after, not kept running beside the next tests
class Http2CleartextIntegrationTest extends GatewayIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

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

    /**
     * A short answer from the upstream leaves as HEADERS and one DATA frame that ends the stream, in one write, rather
     * than as HEADERS, DATA and an empty DATA frame to end the stream, each flushed on its own (WholeResponseFilter).
     */
    @Test
    void aShortAnswerLeavesAsHeadersAndOneDataFrameThatEndsTheStream() {
        String token = tokens.issue("alice", "orders:read");

        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(port)) {
            connection.request(1, "GET", "/orders/whole", "authorization", "Bearer " + token);

            RawHttp2Connection.Frame headers = connection.awaitFrame(RawHttp2Connection.HEADERS, TIMEOUT);
            RawHttp2Connection.Frame data = connection.awaitFrame(RawHttp2Connection.DATA, TIMEOUT);
            assertThat(headers.headers().status().toString()).isEqualTo("200");
            assertThat(headers.flags() & RawHttp2Connection.END_STREAM).isZero();
            assertThat(data.flags() & RawHttp2Connection.END_STREAM).isEqualTo(RawHttp2Connection.END_STREAM);
            assertThat(new String(data.payload(), StandardCharsets.UTF_8)).contains("\"path\":\"/orders/whole\"");
            assertThat(headers.headers().get("content-length").toString())
                    .isEqualTo(Integer.toString(data.payload().length));
        }
    }

    /**
     * An HTTP/1.1 request with {@code Upgrade: h2c} becomes stream 1 of an HTTP/2 connection: Netty converts its
     * headers, adding its own. Whatever it carried, the upstream sees the gateway's identity only, and the streams
     * after it are checked as any other.
     */
    @Test
    void aRequestThatUpgradesToHttp2IsCheckedAndCleanedAsAnyOther() {
        String token = tokens.issue("alice", "orders:read");

        try (RawHttp2Connection connection = RawHttp2Connection.upgraded(
                port,
                "GET /orders/upgraded HTTP/1.1",
                "Host: localhost",
                "Authorization: Bearer " + token,
                "X-User-Id: admin",
                "X_User_Id: admin",
                "X-Http2-Scheme: gopher",
                "X-Http2-Stream-Id: 99")) {
            assertThat(connection.awaitStatus(1, TIMEOUT)).isEqualTo(200);
            RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
            assertThat(received.uri()).isEqualTo("/orders/upgraded");
            assertThat(received.header("X-User-Id")).isEqualTo("alice");
            assertThat(received.headersNamedLike("x-http2-")).isEmpty();
            assertThat(received.headersNamedLike("x-user-id")).containsExactly("X-User-Id");
            assertThat(received.headers().values()).doesNotContain("admin", "gopher", "99");

            connection.request(3, "GET", "/orders/no-token");
            assertThat(connection.awaitStatus(3, TIMEOUT)).isEqualTo(401);
        }
        assertThat(upstream.requests()).noneMatch(request -> request.uri().equals("/orders/no-token"));
    }

    /**
     * The management port takes {@code server.http2} too, so it serves h2c: the admin guard reads {@code :path} and
     * the credential as on HTTP/1.1. Without a credential, or with a wrong one, 401; a path that would leave the
     * actuator for the admin API, 400; the admin credential, the answer.
     */
    @Test
    void theAdminGuardHoldsOnTheManagementPortOverHttp2() {
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(managementPort)) {
            connection.request(1, "GET", "/admin/users/alice/tokens");
            connection.request(3, "GET", "/admin/users/alice/tokens", "authorization", "Bearer wrong");
            connection.request(
                    5,
                    "GET",
                    "/actuator/health/%2e%2e/%2e%2e/admin/users/alice/tokens",
                    "authorization",
                    "Bearer wrong");
            connection.request(7, "GET", "/admin/users/alice/tokens", "authorization", "Bearer " + TestAdmin.TOKEN);

            assertThat(connection.awaitStatus(1, TIMEOUT)).isEqualTo(401);
            assertThat(connection.awaitStatus(3, TIMEOUT)).isEqualTo(401);
            assertThat(connection.awaitStatus(5, TIMEOUT)).isEqualTo(400);
            assertThat(connection.awaitStatus(7, TIMEOUT)).isEqualTo(200);
        }
    }

    @Test
    void aRequestWithoutATokenIsAnswered401AndNeverReachesTheUpstream() {
        Answer answer = get("/orders/1", headers -> {});

        assertThat(answer.version()).isEqualTo("HTTP/2.0");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.challenge()).startsWith("Bearer");
        assertThat(upstream.requestCount()).isZero();
    }

    /** The firewall reads {@code :path} as it reads an HTTP/1.1 target: every spelling it refuses there, the same 400. */
    @Test
    void pathsTheFirewallRefusesOnHttp11AreRefusedTheSameOnHttp2() {
        String token = tokens.issue("alice", "orders:read");
        for (String path : PathSpellings.nonCanonical()) {
            RawHttp2Connection.Answer answer = rawRequest(path, "authorization", "Bearer " + token);

            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.header("content-type")).as(path).isEqualTo("application/problem+json");
            assertThat(answer.body()).as(path).contains("\"detail\":\"Malformed request path.\"");
        }
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * A client's identity in every spelling HTTP/2 can carry: lower case, underscores, capitals (malformed in HTTP/2),
     * twice, or named by a {@code connection} header (connection-specific, malformed in HTTP/2). Each request is either
     * refused or reaches the upstream with the gateway's identity alone.
     */
    @Test
    void clientIdentityHeadersInAnyHttp2SpellingNeverReachTheUpstream() {
        String token = tokens.issue("alice", "orders:read");
        List<String[]> spellings = List.of(
                new String[] {"x-user-id", "admin"},
                new String[] {"x_user_id", "admin"},
                new String[] {"X-User-Id", "admin"},
                new String[] {"x-user-id", "admin", "x-user-id", "admin"},
                new String[] {"x-user-scopes", "admin"},
                new String[] {"x_user_scopes", "admin"},
                new String[] {"connection", "x-user-id", "x-user-id", "admin"},
                new String[] {"keep-alive", "timeout=5", "x-user-id", "admin"},
                new String[] {"transfer-encoding", "chunked", "x-user-id", "admin"});
        for (String[] identity : spellings) {
            upstream.clear();
            String[] headers = new String[identity.length + 2];
            headers[0] = "authorization";
            headers[1] = "Bearer " + token;
            System.arraycopy(identity, 0, headers, 2, identity.length);

            RawHttp2Connection.Answer answer = rawRequest("/orders/1", headers);

            String spelling = String.join(" ", identity);
            if (answer.status() == 200) {
                RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
                assertThat(received.headersNamedLike("x-user-id")).as(spelling).containsExactly("X-User-Id");
                assertThat(received.header("X-User-Id")).as(spelling).isEqualTo("alice");
                assertThat(received.header("X-User-Scopes")).as(spelling).isEqualTo("orders:read");
                assertThat(received.headers().values()).as(spelling).doesNotContain("admin");
            } else {
                assertThat(answer.status()).as(spelling).isIn(400, -RawHttp2Connection.PROTOCOL_ERROR);
                assertThat(upstream.requestCount()).as(spelling).isZero();
            }
        }
    }

    /**
     * HTTP/2 lets a client split its cookies over several {@code cookie} fields; the upstream, on HTTP/1.1, gets them
     * as one, joined by "; " (RFC 9113, 8.2.3), not by the ", " that would merge two cookies' values into one. {@code
     * te: trailers}, the one TE HTTP/2 allows, is hop-by-hop and stops at the gateway; any other TE is malformed.
     */
    @Test
    void cookiesSplitOverFieldsReachTheUpstreamAsOneHeaderAndTeStopsAtTheGateway() {
        String token = tokens.issue("alice", "orders:read");

        RawHttp2Connection.Answer answer = rawRequest(
                "/orders/1", "authorization", "Bearer " + token, "cookie", "a=1", "cookie", "b=2", "te", "trailers");

        assertThat(answer.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("Cookie")).isEqualTo("a=1; b=2");
        assertThat(received.hasHeader("TE")).isFalse();

        upstream.clear();
        RawHttp2Connection.Answer gzip = rawRequest("/orders/1", "authorization", "Bearer " + token, "te", "gzip");
        assertThat(gzip.status()).isIn(400, -RawHttp2Connection.PROTOCOL_ERROR);
        assertThat(upstream.requestCount()).isZero();
    }

    /** The authorization endpoint answers over HTTP/2 as over HTTP/1.1 (Envoy's ext_authz may call it so). */
    @Test
    void theAuthorizationEndpointAnswersOverHttp2() {
        String token = tokens.issue("alice", "orders:read");

        RawHttp2Connection.Answer allowed =
                rawRequest("/_tokengate/authz", "x-original-uri", "/orders/1", "authorization", "Bearer " + token);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.header("x-user-id")).isEqualTo("alice");

        RawHttp2Connection.Answer refused = rawRequest("/_tokengate/authz", "x-original-uri", "/orders/1");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("www-authenticate")).startsWith("Bearer");
        assertThat(refused.header("x-user-id")).isNull();
        assertThat(upstream.requestCount()).isZero();
    }

    /** One request on a connection of its own, written frame by frame. */
    private RawHttp2Connection.Answer rawRequest(String path, String... headers) {
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(port)) {
            connection.request(1, "GET", path, headers);
            return connection.awaitAnswer(1, TIMEOUT);
        }
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
                .block(TIMEOUT);
    }

    private record Answer(String version, int status, String challenge) {}
}
