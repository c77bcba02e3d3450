package dev.tokengate.upstream;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestCertificates;
import dev.tokengate.support.TestCertificates.Authority;
import dev.tokengate.support.TestCertificates.Issued;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Upstreams on a private certificate authority, trusted through an SSL bundle that also holds the gateway's own
 * client certificate (mutual TLS): the trusted upstream gets the request with the identity; an upstream whose
 * certificate another authority signed, or that is reached by a name its certificate does not carry, gets nothing,
 * and the client gets 502 problem+json. Nothing falls back to cleartext or to trusting anyone.
 */
class UpstreamTlsIntegrationTest {

    /** The routes the tests save through the route endpoint (the one with a typo is refused, never stored). */
    private static final List<String> RUNTIME_ROUTES = List.of("partner", "partner-global", "h2", "h2c", "typo", "h3");

    @TempDir
    static Path files;

    private static LoopResources loops;
    private static TlsUpstream trusted;
    private static TlsUpstream otherAuthority;
    private static TlsUpstream partner;
    private static DisposableServer h2Upstream;
    private static DisposableServer h2cUpstream;
    private static final Queue<String> http2Received = new ConcurrentLinkedQueue<>();
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void start() {
        Authority upstreams = TestCertificates.authority("upstreams CA");
        Authority gateways = TestCertificates.authority("gateways CA");
        Authority stranger = TestCertificates.authority("some other CA");
        upstreams.writePem(files.resolve("upstreams-ca.crt"));
        gateways.issue("tokengate").writePem(files.resolve("gateway.crt"), files.resolve("gateway.key"));

        loops = LoopResources.create("tls-upstreams", 1, true);
        // The trusted upstream requires a client certificate from the gateways' authority.
        trusted = new TlsUpstream(upstreams.issue("orders", "localhost"), gateways);
        otherAuthority = new TlsUpstream(stranger.issue("impostor", "localhost"), null);
        // A partner's upstream, on the same private authority, takes only certificates its own authority signed.
        Authority partners = TestCertificates.authority("partners CA");
        partners.issue("tokengate-for-partner").writePem(files.resolve("partner.crt"), files.resolve("partner.key"));
        partner = new TlsUpstream(upstreams.issue("partner", "localhost"), partners);
        Issued h2Certificate = upstreams.issue("h2", "localhost");
        h2Upstream = http2Upstream(HttpServer.create()
                .protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(
                        h2Certificate.keys().getPrivate(), h2Certificate.certificate()))));
        h2cUpstream = http2Upstream(HttpServer.create().protocol(HttpProtocol.H2C));

        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(
                TestRedis.shared(),
                "test.upstream.url=https://localhost:" + trusted.port(),
                "test.unreachable.url=https://localhost:" + otherAuthority.port(),
                // the trusted upstream's certificate names localhost only
                "test.kept-alive.url=https://127.0.0.1:" + trusted.port(),
                "spring.cloud.gateway.server.webflux.httpclient.ssl.ssl-bundle=upstreams",
                "spring.ssl.bundle.pem.upstreams.truststore.certificate=file:" + files.resolve("upstreams-ca.crt"),
                "spring.ssl.bundle.pem.upstreams.keystore.certificate=file:" + files.resolve("gateway.crt"),
                "spring.ssl.bundle.pem.upstreams.keystore.private-key=file:" + files.resolve("gateway.key"),
                "spring.ssl.bundle.pem.partner.truststore.certificate=file:" + files.resolve("upstreams-ca.crt"),
                "spring.ssl.bundle.pem.partner.keystore.certificate=file:" + files.resolve("partner.crt"),
                "spring.ssl.bundle.pem.partner.keystore.private-key=file:" + files.resolve("partner.key"),
                "management.server.port=0",
                TestAdmin.PROPERTY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        // the shared Redis outlives this class: its runtime routes must not reach the next class's gateways
        for (String route : RUNTIME_ROUTES) {
            tokens.redis().del(TestTokens.KEYS.route(route));
        }
        tokens.close();
        trusted.stop();
        otherAuthority.stop();
        partner.stop();
        h2Upstream.disposeNow();
        h2cUpstream.disposeNow();
        loops.dispose();
    }

    @BeforeEach
    void clear() {
        trusted.received.clear();
        otherAuthority.received.clear();
        partner.received.clear();
        http2Received.clear();
    }

    @Test
    void anUpstreamOnThePrivateAuthorityGetsTheRequestOverMutualTls() {
        String token = tokens.issue("alice", "orders:read");

        BearerRequests.get(gateway.client(), "/orders/1", token).expectStatus().isOk();

        assertThat(trusted.received).containsExactly("alice");
    }

    @Test
    void anUpstreamWhoseCertificateAnotherAuthoritySignedGets502AndNothing() {
        assertProblem(
                gateway.client().get().uri("/unreachable/x").exchange(),
                HttpStatus.BAD_GATEWAY,
                null,
                "The upstream service could not be reached.",
                "/unreachable/x");

        assertThat(otherAuthority.received).isEmpty();
    }

    @Test
    void anUpstreamReachedByANameItsCertificateDoesNotCarryGets502AndNothing() {
        assertProblem(
                gateway.client().get().uri("/kept-alive-public/x").exchange(),
                HttpStatus.BAD_GATEWAY,
                null,
                "The upstream service could not be reached.",
                "/kept-alive-public/x");

        assertThat(trusted.received).isEmpty();
    }

    /**
     * A route whose metadata names an SSL bundle ({@code upstream-ssl-bundle}) presents that bundle's certificate to
     * its upstream, and only that route does: the partner's upstream, which takes only its own authority's
     * certificates, refuses the gateway's global one. A bundle that does not exist is refused when the route is saved.
     */
    @Test
    void aRouteWithItsOwnSslBundlePresentsItsOwnClientCertificate() {
        WebTestClient admin = TestAdmin.client(gateway.management());
        String partnerUrl = "https://localhost:" + partner.port();
        saveRoute(admin, "partner", "/partner/**", partnerUrl, "partner")
                .expectStatus()
                .isCreated();
        saveRoute(admin, "partner-global", "/partner-global/**", partnerUrl, null)
                .expectStatus()
                .isCreated();
        admin.post().uri("/actuator/gateway/refresh").exchange().expectStatus().isOk();
        String token = tokens.issue("alice", "orders:read");

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/partner/1", token)
                        .expectStatus()
                        .isOk());
        assertThat(partner.received).containsExactly("alice");
        BearerRequests.get(gateway.client(), "/partner-global/1", token)
                .expectStatus()
                .isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(partner.received).containsExactly("alice");
        BearerRequests.get(gateway.client(), "/orders/1", token).expectStatus().isOk();
        assertThat(trusted.received).containsExactly("alice");

        saveRoute(admin, "typo", "/typo/**", partnerUrl, "partnr")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail)
                        .contains("metadata upstream-ssl-bundle: no SSL bundle named 'partnr'"));
    }

    /**
     * A route may ask for HTTP/2 to its upstream: {@code h2} over TLS, chosen by ALPN (here with the global bundle's
     * trust and client certificate), {@code h2c} in cleartext. The upstreams, which speak HTTP/2 only, get the request
     * with the identity; a protocol tokengate does not know is refused when the route is saved.
     */
    @Test
    void aRouteMayAskForHttp2ToItsUpstream() {
        WebTestClient admin = TestAdmin.client(gateway.management());
        saveRoute(admin, "h2", "/h2/**", "https://localhost:" + h2Upstream.port(), null, "h2")
                .expectStatus()
                .isCreated();
        saveRoute(admin, "h2c", "/h2c/**", "http://localhost:" + h2cUpstream.port(), null, "h2c")
                .expectStatus()
                .isCreated();
        admin.post().uri("/actuator/gateway/refresh").exchange().expectStatus().isOk();
        String token = tokens.issue("alice", "orders:read");

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/h2/1", token)
                        .expectStatus()
                        .isOk());
        BearerRequests.get(gateway.client(), "/h2c/1", token).expectStatus().isOk();
        BearerRequests.get(gateway.client(), "/h2c/2", token).expectStatus().isOk();

        assertThat(http2Received)
                .containsExactly("HTTP/2.0 /h2/1 alice", "HTTP/2.0 /h2c/1 alice", "HTTP/2.0 /h2c/2 alice");
        saveRoute(admin, "h3", "/h3/**", "https://localhost:" + h2Upstream.port(), null, "h3")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.detail")
                .value(detail -> assertThat((String) detail)
                        .contains("metadata upstream-protocol: 'h3' is none of 'http/1.1', 'h2', 'h2c'"));
    }

    private static DisposableServer http2Upstream(HttpServer server) {
        return server.runOn(loops)
                .host(TestRedis.HOST)
                .port(0)
                .handle((request, response) -> {
                    http2Received.add(request.version() + " " + request.uri() + " "
                            + request.requestHeaders().get("X-User-Id"));
                    return response.sendString(Mono.just("ok"));
                })
                .bindNow();
    }

    private static WebTestClient.ResponseSpec saveRoute(
            WebTestClient admin, String id, String path, String uri, String bundle) {
        return saveRoute(admin, id, path, uri, bundle, null);
    }

    private static WebTestClient.ResponseSpec saveRoute(
            WebTestClient admin, String id, String path, String uri, String bundle, String protocol) {
        List<String> entries = new ArrayList<>();
        if (bundle != null) {
            entries.add("\"upstream-ssl-bundle\":\"" + bundle + "\"");
        }
        if (protocol != null) {
            entries.add("\"upstream-protocol\":\"" + protocol + "\"");
        }
        String metadata = "{" + String.join(",", entries) + "}";
        return admin.post()
                .uri("/actuator/gateway/routes/" + id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"uri\":\"" + uri + "\",\"predicates\":[{\"name\":\"Path\",\"args\":{\"_genkey_0\":\""
                        + path + "\"}}],\"metadata\":" + metadata + "}")
                .exchange();
    }

    /** An HTTPS server that records the X-User-Id of each request; with a client authority, it requires a certificate. */
    private static final class TlsUpstream {

        private final Queue<String> received = new ConcurrentLinkedQueue<>();
        private final DisposableServer server;

        TlsUpstream(Issued certificate, Authority clients) {
            Http11SslContextSpec tls = Http11SslContextSpec.forServer(
                            certificate.keys().getPrivate(), certificate.certificate())
                    .configure(builder -> {
                        if (clients != null) {
                            builder.trustManager(clients.certificate()).clientAuth(ClientAuth.REQUIRE);
                        }
                    });
            server = HttpServer.create()
                    .runOn(loops)
                    .host(TestRedis.HOST)
                    .port(0)
                    .secure(spec -> spec.sslContext(tls))
                    .handle((request, response) -> {
                        received.add(String.valueOf(request.requestHeaders().get("X-User-Id")));
                        return response.sendString(Mono.just("ok"));
                    })
                    .bindNow();
        }

        int port() {
            return server.port();
        }

        void stop() {
            server.disposeNow();
        }
    }
}
