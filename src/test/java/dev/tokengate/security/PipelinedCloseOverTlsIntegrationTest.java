package dev.tokengate.security;

import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestCertificates;
import dev.tokengate.support.TestCertificates.Authority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The same pipelined requests over TLS on a port that also offers h2: a connection's HTTP/1.1 handlers are put in
 * place only when ALPN has chosen its protocol at the end of the handshake, long after the connection was set up.
 */
@TestPropertySource(properties = "server.http2.enabled=true")
@DirtiesContext // a context no other test shares: closed after, not kept running beside the next tests
class PipelinedCloseOverTlsIntegrationTest extends PipelinedCloseIntegrationTest {

    private static final Authority AUTHORITY = TestCertificates.authority("pipelining test CA");

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        try {
            Path files = Files.createTempDirectory("pipelined-tls");
            files.toFile().deleteOnExit();
            Path certificate = files.resolve("edge.crt");
            Path key = files.resolve("edge.key");
            AUTHORITY.issue("localhost", "localhost", "127.0.0.1").writePem(certificate, key);
            registry.add("server.ssl.bundle", () -> "edge");
            registry.add("spring.ssl.bundle.pem.edge.keystore.certificate", () -> "file:" + certificate);
            registry.add("spring.ssl.bundle.pem.edge.keystore.private-key", () -> "file:" + key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    RawHttpClient client() {
        return new RawHttpClient(port, AUTHORITY.trustingClient().getSocketFactory());
    }
}
