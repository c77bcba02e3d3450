package dev.tokengate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestCertificates;
import dev.tokengate.support.TestCertificates.Authority;
import dev.tokengate.support.TestCertificates.Issued;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The client port's certificates as operators run them: PEM files from Spring Boot SSL bundles, a second certificate
 * chosen by SNI, a bundle's own protocols, and files rewritten by cert-manager or certbot while clients stay
 * connected. The authority and certificates are made when the test runs.
 */
@ExtendWith(OutputCaptureExtension.class)
class EdgeCertificatesIntegrationTest {

    private static final String API_HOST = "api.tokengate.test";

    @TempDir
    static Path files;

    private static Authority authority;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startGatewayOnPemFiles() {
        authority = TestCertificates.authority("tokengate test CA");
        mountAsKubernetesDoes(authority.issue("edge-1", "localhost", "127.0.0.1"), 1);
        authority.issue("api", API_HOST).writePem(file("api.crt"), file("api.key"));
        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(
                TestRedis.shared(),
                "server.ssl.bundle=edge",
                "spring.ssl.bundle.pem.edge.keystore.certificate=file:" + file("edge/tls.crt"),
                "spring.ssl.bundle.pem.edge.keystore.private-key=file:" + file("edge/tls.key"),
                "spring.ssl.bundle.pem.edge.reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=100ms",
                "server.ssl.server-name-bundles[0].server-name=" + API_HOST,
                "server.ssl.server-name-bundles[0].bundle=api",
                "spring.ssl.bundle.pem.api.keystore.certificate=file:" + file("api.crt"),
                "spring.ssl.bundle.pem.api.keystore.private-key=file:" + file("api.key"),
                "spring.ssl.bundle.pem.api.options.enabled-protocols=TLSv1.3",
                "server.http2.enabled=true",
                "management.server.port=0");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        tokens.close();
    }

    @Test
    void sniChoosesTheCertificateOfTheNameAskedForAndTheDefaultOtherwise() throws Exception {
        assertThat(commonName(handshake(API_HOST, "TLSv1.3"))).isEqualTo("api");
        assertThat(commonName(handshake("other.tokengate.test", "TLSv1.3"))).startsWith("edge-");
        assertThat(commonName(handshake(null, "TLSv1.3"))).startsWith("edge-");
    }

    /**
     * The api bundle allows TLS 1.3 only; the default bundle keeps the default, TLS 1.2 and 1.3. A refused handshake
     * is the client's mistake: no warning with a stack trace per connection, but a count in tokengate's metrics.
     */
    @Test
    void aBundlesProtocolsApplyToTheNameItServes(CapturedOutput output) throws Exception {
        double refusedBefore = refusedHandshakes();
        assertThatThrownBy(() -> handshake(API_HOST, "TLSv1.2")).isInstanceOf(SSLHandshakeException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> refusedHandshakes() > refusedBefore);
        assertThat(LoggerFactory.getLogger(ApplicationProtocolNegotiationHandler.class)
                        .isWarnEnabled())
                .as("Netty's warning per refused handshake")
                .isFalse();
        assertThat(output.getOut()).doesNotContain("SSLHandshakeException");
        assertThat(handshake(API_HOST, "TLSv1.3").getProtocol()).isEqualTo("TLSv1.3");
        assertThat(handshake("localhost", "TLSv1.2").getProtocol()).isEqualTo("TLSv1.2");
    }

    /**
     * A renewal as the kubelet applies it to a mounted Secret (what cert-manager's renewals and the Helm chart come
     * to): new files in a directory of their own, then the {@code ..data} link swapped to it in one rename. New
     * handshakes get the new certificate within the watcher's quiet period; the HTTP/2 connection opened before keeps
     * its session and serves the next request.
     */
    @Test
    void rewrittenFilesServeNewHandshakesWhileAnOpenConnectionKeepsServing() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        HttpClient connected = client();
        HttpResponse<String> before = get(connected, token);
        assertThat(before.statusCode()).isEqualTo(200);
        String served = commonName(before.sslSession().orElseThrow());

        String renewed = served.equals("edge-1") ? "edge-2" : "edge-1";
        mountAsKubernetesDoes(authority.issue(renewed, "localhost", "127.0.0.1"), 2);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> commonName(handshake("localhost", "TLSv1.3")).equals(renewed));
        HttpResponse<String> fresh = get(client(), token);
        assertThat(commonName(fresh.sslSession().orElseThrow())).isEqualTo(renewed);

        RecordingUpstream.shared().clear();
        HttpResponse<String> after = get(connected, token);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(commonName(after.sslSession().orElseThrow()))
                .as("the connection opened before the renewal, still on its first certificate")
                .isEqualTo(served);
        assertThat(RecordingUpstream.shared().lastRequest().header("X-User-Id")).isEqualTo("alice");
    }

    private static double refusedHandshakes() {
        return gateway.bean(MeterRegistry.class)
                .get("tokengate.tls.handshakes.refused")
                .counter()
                .count();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .sslContext(authority.trustingClient())
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/orders/1"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        return response;
    }

    /** A full handshake on a new connection, asking for {@code serverName} (none if null) with one protocol only. */
    private static SSLSession handshake(String serverName, String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket)
                authority.trustingClient().getSocketFactory().createSocket(TestRedis.HOST, gateway.port())) {
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setProtocols(new String[] {protocol});
            parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession();
        }
    }

    private static String commonName(SSLSession session) throws Exception {
        X509Certificate certificate = (X509Certificate) session.getPeerCertificates()[0];
        return certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
    }

    /**
     * Writes the pair the way the kubelet lays out a Secret volume: {@code edge/..<version>/tls.crt} and {@code
     * tls.key}, {@code edge/..data} a link to that directory, and {@code edge/tls.crt} and {@code tls.key} links through
     * {@code ..data}; a later version replaces the {@code ..data} link atomically.
     */
    private static void mountAsKubernetesDoes(Issued pair, int version) {
        try {
            Path volume = Files.createDirectories(file("edge"));
            Path data = Files.createDirectory(volume.resolve("..2026_12_07_v" + version));
            pair.writePem(data.resolve("tls.crt"), data.resolve("tls.key"));
            Path next = Files.createSymbolicLink(volume.resolve("..data_tmp"), data.getFileName());
            Files.move(
                    next,
                    volume.resolve("..data"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            for (String name : List.of("tls.crt", "tls.key")) {
                if (!Files.exists(volume.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(volume.resolve(name), Path.of("..data", name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path file(String name) {
        return files.resolve(name);
    }
}
