package dev.tokengate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RawClientHello;
import dev.tokengate.support.RawHttp2Connection;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the client port from a Spring Boot SSL bundle, with HTTP/2 by ALPN: the token check and the gateway's headers
 * hold over it, and the management port stays cleartext rather than taking the client port's certificate. The
 * certificate is made by the JDK's keytool when the test runs; nothing is checked in.
 */
class EdgeTlsIntegrationTest {

    private static final String PASSWORD = "test-only";

    @TempDir
    static Path keys;

    private static Path keystore;
    private static TestTokens tokens;
    private static GatewayInstance gateway;
    private static HttpClient client;

    @BeforeAll
    static void startGatewayWithTls() throws Exception {
        keystore = selfSignedKeystore(keys.resolve("edge.p12"));
        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(
                TestRedis.shared(),
                "server.ssl.bundle=edge",
                "spring.ssl.bundle.jks.edge.keystore.location=file:" + keystore,
                "spring.ssl.bundle.jks.edge.keystore.password=" + PASSWORD,
                "spring.ssl.bundle.jks.edge.keystore.type=PKCS12",
                "server.http2.enabled=true",
                "management.server.port=0");
        client = HttpClient.newBuilder()
                .sslContext(trusting(keystore))
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        tokens.close();
    }

    @Test
    void aValidTokenOverHttp2AndTlsReachesTheUpstreamWithTheIdentityOnly() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        RecordingUpstream.shared().clear();

        HttpResponse<String> answer = get("/orders/1", "Authorization", "Bearer " + token, "x-user-id", "admin");

        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(answer.statusCode()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = RecordingUpstream.shared().lastRequest();
        assertThat(received.header("X-User-Id")).isEqualTo("alice");
        assertThat(received.headersNamedLike("x-http2-")).isEmpty();
    }

    @Test
    void aRequestWithoutATokenIsRefusedOverTlsBeforeAnyBackend() throws Exception {
        RecordingUpstream.shared().clear();

        HttpResponse<String> answer = get("/orders/1");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(RecordingUpstream.shared().requestCount()).isZero();
    }

    /**
     * Frame by frame over h2 and TLS, as over h2c: a client's identity in spellings a backend folds (underscores) is
     * replaced by the gateway's, and a path the firewall refuses gets its 400 and never reaches the upstream.
     */
    @Test
    void rawFramesOverTlsGetTheSameGuarantees() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        RecordingUpstream.shared().clear();
        try (RawHttp2Connection connection = RawHttp2Connection.tls(gateway.port(), trusting(keystore))) {
            connection.request(
                    1,
                    "GET",
                    "/orders/1",
                    "authorization",
                    "Bearer " + token,
                    "x_user_id",
                    "admin",
                    "x-user-scopes",
                    "admin");
            connection.request(3, "GET", "/public/..;/orders/1", "authorization", "Bearer " + token);

            int identity = connection.awaitStatus(1, Duration.ofSeconds(10));
            RawHttp2Connection.Answer path = connection.awaitAnswer(3, Duration.ofSeconds(10));

            assertThat(identity).isEqualTo(200);
            assertThat(path.status()).isEqualTo(400);
            assertThat(path.body()).contains("Malformed request path.");
        }
        assertThat(RecordingUpstream.shared().requests()).singleElement().satisfies(received -> {
            assertThat(received.uri()).isEqualTo("/orders/1");
            assertThat(received.header("X-User-Id")).isEqualTo("alice");
            assertThat(received.header("X-User-Scopes")).isEqualTo("orders:read");
            assertThat(received.headers().values()).doesNotContain("admin");
        });
    }

    /** The limit on resets a client provokes holds on h2 over TLS, where ALPN sets up HTTP/2 after the handshake. */
    @Test
    void resetsTheClientProvokesCloseTheConnectionOverTls() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        try (RawHttp2Connection connection = RawHttp2Connection.tls(gateway.port(), trusting(keystore))) {
            connection.serverSettings();
            Http2LimitsIntegrationTest.provokeResets(connection, 1, token);

            assertThat(connection.awaitGoAwayAndClose(Duration.ofSeconds(15)))
                    .isEqualTo(RawHttp2Connection.ENHANCE_YOUR_CALM);
        }
    }

    /**
     * TLS 1.2 and 1.3 only by default: a client offering TLS 1.1 (the JDK's client will not, so it is written byte for
     * byte) gets the protocol_version alert, where the same hello for TLS 1.2 gets a ServerHello.
     */
    @Test
    void tls11IsRefusedAndTls12Accepted() {
        RawClientHello.Answer old = RawClientHello.send(gateway.port(), RawClientHello.TLS_1_1);
        assertThat(old.type()).isEqualTo(RawClientHello.ALERT);
        assertThat(old.alertDescription()).isEqualTo(RawClientHello.PROTOCOL_VERSION);

        RawClientHello.Answer current = RawClientHello.send(gateway.port(), RawClientHello.TLS_1_2);
        assertThat(current.type()).isEqualTo(RawClientHello.HANDSHAKE);
        assertThat(current.handshakeType()).as("ServerHello").isEqualTo(2);
    }

    @Test
    void theManagementPortStaysCleartext() {
        gateway.management()
                .get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A key and a self-signed certificate for localhost and 127.0.0.1, valid for two days, by the JDK's keytool. */
    private static Path selfSignedKeystore(Path keystore) throws Exception {
        Process keytool = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "edge",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD))
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();
        assertThat(Files.exists(keystore)).isTrue();
        return keystore;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
