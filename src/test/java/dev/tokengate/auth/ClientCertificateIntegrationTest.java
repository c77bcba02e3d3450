package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RawHttp2Connection;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestCertificates;
import dev.tokengate.support.TestCertificates.Authority;
import dev.tokengate.support.TestCertificates.Issued;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Client certificates as credentials, on two gateways that ask for them ({@code server.ssl.client-auth=want}) and
 * trust one authority for clients. A registered certificate is its user's identity on routes that take certificates;
 * an unregistered, revoked, expired or foreign one never reaches the upstream; clients with tokens connect as before.
 * The gateways share a Redis of this class's own, which one test stops.
 */
class ClientCertificateIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path files;

    private static Authority servers;
    private static Authority clients;
    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance first;
    private static GatewayInstance second;
    private static RecordingUpstream upstream;

    @BeforeAll
    static void start() {
        servers = TestCertificates.authority("edge CA");
        clients = TestCertificates.authority("clients CA");
        servers.issue("localhost", "localhost", "127.0.0.1")
                .writePem(files.resolve("edge.crt"), files.resolve("edge.key"));
        clients.writePem(files.resolve("clients-ca.crt"));
        upstream = RecordingUpstream.shared();
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        first = startGateway();
        second = startGateway();
    }

    private static GatewayInstance startGateway() {
        String routes = "spring.cloud.gateway.server.webflux.routes";
        return GatewayInstance.start(
                redis,
                "server.ssl.bundle=edge",
                "spring.ssl.bundle.pem.edge.keystore.certificate=file:" + files.resolve("edge.crt"),
                "spring.ssl.bundle.pem.edge.keystore.private-key=file:" + files.resolve("edge.key"),
                "spring.ssl.bundle.pem.edge.truststore.certificate=file:" + files.resolve("clients-ca.crt"),
                "server.ssl.client-auth=want",
                "server.http2.enabled=true",
                "management.server.port=0",
                TestAdmin.PROPERTY,
                routes + "[0].id=devices",
                routes + "[0].uri=" + upstream.url(),
                routes + "[0].predicates[0]=Path=/devices/**",
                routes + "[0].metadata.auth=certificate",
                routes + "[0].metadata.scopes=telemetry:write",
                routes + "[1].id=either",
                routes + "[1].uri=" + upstream.url(),
                routes + "[1].predicates[0]=Path=/either/**",
                routes + "[1].metadata.auth=token-or-certificate",
                routes + "[2].id=orders",
                routes + "[2].uri=" + upstream.url(),
                routes + "[2].predicates[0]=Path=/orders/**",
                routes + "[3].id=device-sockets",
                routes + "[3].uri=" + upstream.url().replace("http:", "ws:"),
                routes + "[3].predicates[0]=Path=/ws/**",
                routes + "[3].metadata.auth=certificate");
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
        tokens.close();
        redis.stop();
    }

    @BeforeEach
    void clear() {
        upstream.clear();
    }

    @Test
    void aRegisteredCertificateReachesTheUpstreamAsItsUserAndAClientsIdentityHeaderDoesNot() throws Exception {
        Issued device = clients.issue("sensor-1");
        register(device, "sensor-1", "telemetry:write");

        HttpResponse<String> answer = get(presenting(device), "/devices/readings", "X-User-Id", "admin");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-User-Id")).isEqualTo("sensor-1");
        assertThat(received.header("X-User-Scopes")).isEqualTo("telemetry:write");
        assertThat(received.headers().values()).doesNotContain("admin");
    }

    /** {@code want}, not {@code need}: a client without a certificate still connects, and its token works. */
    @Test
    void aClientWithoutACertificateConnectsAndIsAskedForOneOnlyWhereTheRouteTakesNothingElse() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        HttpClient noCertificate = client(servers.trustingClient());

        assertThat(get(noCertificate, "/orders/1", "Authorization", "Bearer " + token)
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> refused = get(noCertificate, "/devices/readings", "Authorization", "Bearer " + token);

        assertRefused(refused, 403, "A client certificate is required.");
        assertThat(upstream.requests())
                .extracting(RecordingUpstream.ReceivedRequest::uri)
                .containsExactly("/orders/1");
    }

    @Test
    void aVerifiedCertificateThatIsNotRegisteredIsRefused() throws Exception {
        HttpResponse<String> refused = get(presenting(clients.issue("stranger")), "/devices/readings");

        assertRefused(refused, 403, "The client certificate is not registered.");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void aRegisteredCertificateWithoutTheRoutesScopeIsRefusedNamingTheScope() throws Exception {
        Issued device = clients.issue("sensor-ro");
        register(device, "sensor-ro", "telemetry:read");

        HttpResponse<String> refused = get(presenting(device), "/devices/readings");

        assertRefused(refused, 403, "Insufficient scope.");
        assertThat(refused.body()).contains("\"scope\":\"telemetry:write\"");
        assertThat(upstream.requestCount()).isZero();
    }

    /** Registered or not, a certificate the clients' authority did not sign ends the handshake. */
    @Test
    void aCertificateFromAnotherAuthorityNeverGetsPastTheHandshake() {
        Issued forged = TestCertificates.authority("clients CA").issue("sensor-1");
        register(forged, "sensor-1", "telemetry:write");

        assertHandshakeRefused(presenting(forged), "/devices/readings");
        assertHandshakeRefused(presenting(forged), "/orders/1");
        assertThat(upstream.requestCount()).isZero();
    }

    /** The certificate's own validity is checked in the handshake, whatever its registration in Redis says. */
    @Test
    void anExpiredCertificateNeverGetsPastTheHandshakeThoughItIsRegistered() {
        Issued expired = clients.issue("sensor-old", Duration.ofHours(-1));
        tokens.store(TestTokens.KEYS.token(expired.sha256()), "sensor-old", "telemetry:write");

        assertHandshakeRefused(presenting(expired), "/devices/readings");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void aTokenOrCertificateRouteTakesEitherAndAsksForATokenWhenItHasNeither() throws Exception {
        Issued device = clients.issue("sensor-2");
        register(device, "sensor-2", "");
        String token = tokens.issue("alice", "");

        assertThat(get(presenting(device), "/either/x").statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("sensor-2");
        assertThat(get(client(servers.trustingClient()), "/either/y", "Authorization", "Bearer " + token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
        // A token, where one is sent, is the credential: the certificate does not stand in for a bad one.
        assertThat(get(presenting(device), "/either/z", "Authorization", "Bearer " + TestTokens.newToken())
                        .statusCode())
                .isEqualTo(401);

        HttpResponse<String> neither = get(client(servers.trustingClient()), "/either/w");
        assertThat(neither.statusCode()).isEqualTo(401);
        assertThat(neither.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(upstream.requests())
                .extracting(RecordingUpstream.ReceivedRequest::uri)
                .containsExactly("/either/x", "/either/y");
    }

    /**
     * Revoking a certificate is deleting its key, here through the admin API of one instance: the next request on a
     * connection already open to either instance is refused, within the bound a token's revocation has.
     */
    @Test
    void aRevokedCertificateIsRefusedOnOpenConnectionsAtBothInstances() {
        await().atMost(Duration.ofSeconds(10)).until(first.bean(InvalidationTracker.class)::isTracking);
        await().atMost(Duration.ofSeconds(10)).until(second.bean(InvalidationTracker.class)::isTracking);
        Issued device = clients.issue("sensor-3");
        Map<String, Object> registered = register(device, "sensor-3", "telemetry:write");
        SSLContext tls = device.presentingTo(servers);

        try (RawHttp2Connection toFirst = RawHttp2Connection.tls(first.port(), tls);
                RawHttp2Connection toSecond = RawHttp2Connection.tls(second.port(), tls)) {
            toFirst.request(1, "GET", "/devices/a");
            toSecond.request(1, "GET", "/devices/b");
            assertThat(toFirst.awaitStatus(1, TIMEOUT)).isEqualTo(200);
            assertThat(toSecond.awaitStatus(1, TIMEOUT)).isEqualTo(200);
            assertThat(toFirst.awaitStatus(send(toFirst, 3), TIMEOUT))
                    .as("served from the near cache")
                    .isEqualTo(200);

            revoke(registered);
            Instant revoked = Instant.now();

            assertRefusedWithinBound(toFirst, 5, revoked);
            assertRefusedWithinBound(toSecond, 3, revoked);
        }
        assertThat(upstream.requests())
                .extracting(RecordingUpstream.ReceivedRequest::uri)
                .containsExactly("/devices/a", "/devices/b", "/devices/a");
    }

    /** A WebSocket opened with a certificate lives no longer than the certificate's registration. */
    @Test
    void aWebSocketOpenedWithACertificateIsClosedWith1008WhenTheCertificateIsRevoked() throws Exception {
        Issued device = clients.issue("sensor-6");
        Map<String, Object> registered = register(device, "sensor-6", "telemetry:read");
        CompletableFuture<String> greeting = new CompletableFuture<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                greeting.complete(data.toString());
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                closed.complete(statusCode + " " + reason);
                return null;
            }
        };
        presenting(device)
                .newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + first.port() + "/ws/echo"), listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(greeting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).startsWith("user=sensor-6");

        revoke(registered);

        assertThat(closed.get(5, TimeUnit.SECONDS)).isEqualTo("1008 credential revoked");
    }

    /**
     * A certificate never looked up is refused 503 at once; one the near cache holds, as soon as the gateway sees
     * that Redis is gone and stops trusting what it holds: seconds at most, not the cache's lifetime.
     */
    @Test
    void certificateRoutesFailClosedWhenRedisCannotAnswer() throws Exception {
        Issued cached = clients.issue("sensor-4");
        Issued fresh = clients.issue("sensor-5");
        register(cached, "sensor-4", "telemetry:write");
        register(fresh, "sensor-5", "telemetry:write");
        HttpClient presentingCached = presenting(cached);
        assertThat(get(presentingCached, "/devices/readings").statusCode()).isEqualTo(200);
        upstream.clear();

        redis.stop();
        try {
            HttpResponse<String> refused = get(presenting(fresh), "/devices/readings");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(presentingCached, "/devices/readings").statusCode() == 503);
            assertThat(upstream.requestCount()).isZero();
        } finally {
            redis.start();
            for (GatewayInstance gateway : List.of(first, second)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> TestAdmin.client(gateway.management())
                                .get()
                                .uri("/admin/users/nobody/tokens")
                                .exchange()
                                .returnResult(String.class)
                                .getStatus()
                                .is2xxSuccessful());
            }
        }
    }

    @Test
    void theAdminApiRegistersByPemOrFingerprintListsAndAuditsCertificates() {
        Issued laptop = clients.issue("alice-laptop", Duration.ofDays(2));
        Map<String, Object> byPem = TestAdmin.created(
                first.management(),
                "/admin/certificates",
                "{\"user\":\"alice\",\"scopes\":\"orders:read\",\"ttl\":\"P30D\",\"certificate\":"
                        + json(laptop.certificatePem()) + "}");
        assertThat(byPem.get("id")).isEqualTo(laptop.sha256());
        assertThat(byPem.get("subject")).isEqualTo("CN=alice-laptop");
        assertThat(Instant.parse((String) byPem.get("expiresAt")))
                .as("never beyond the certificate's own end, though 30 days were asked")
                .isBeforeOrEqualTo(laptop.certificate().getNotAfter().toInstant());

        Issued phone = clients.issue("alice-phone");
        String colons = String.join(":", phone.sha256().toUpperCase().split("(?<=\\G..)"));
        Map<String, Object> byFingerprint = TestAdmin.created(
                first.management(), "/admin/certificates", "{\"user\":\"alice\",\"fingerprint\":\"" + colons + "\"}");
        assertThat(byFingerprint.get("id")).isEqualTo(phone.sha256());
        assertThat(byFingerprint.get("subject")).isEqualTo("?");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>)
                TestAdmin.read(first.management(), "/admin/users/alice/tokens").get("tokens");
        assertThat(listed)
                .filteredOn(entry -> "certificate".equals(entry.get("kind")))
                .extracting(entry -> entry.get("id"), entry -> entry.get("subject"))
                .contains(
                        org.assertj.core.groups.Tuple.tuple(laptop.sha256(), "CN=alice-laptop"),
                        org.assertj.core.groups.Tuple.tuple(phone.sha256(), "?"));

        assertBadRequest(
                "{\"user\":\"alice\",\"certificate\":" + json(laptop.certificatePem() + "-----BEGIN PRIVATE KEY-----")
                        + "}",
                "'certificate' holds a private key: send the certificate alone, never its key.");
        assertBadRequest(
                "{\"user\":\"alice\",\"certificate\":"
                        + json(clients.issue("gone", Duration.ofHours(-1)).certificatePem()) + "}",
                "The certificate expired at");
        assertBadRequest("{\"user\":\"alice\",\"fingerprint\":\"abc\"}", "'fingerprint' must be a SHA-256");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> audit = (List<Map<String, Object>>)
                TestAdmin.read(first.management(), "/admin/audit?limit=20").get("entries");
        assertThat(audit)
                .filteredOn(entry -> "certificate.register".equals(entry.get("action")))
                .extracting(entry -> entry.get("target"))
                .contains("user:alice certificate:" + laptop.sha256().substring(0, 12));
    }

    /**
     * The gateway counts the handshake it refused. The client sees the refusal as an alert, or, when it had already
     * sent its request after its half of a TLS 1.3 handshake, as the connection closing under it.
     */
    private static void assertHandshakeRefused(HttpClient client, String path) {
        Counter refused = first.bean(MeterRegistry.class).counter("tokengate.tls.handshakes.refused");
        double before = refused.count();

        assertThatThrownBy(() -> get(client, path)).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> refused.count() > before);
    }

    private static void assertBadRequest(String body, String detail) {
        TestAdmin.client(first.management())
                .post()
                .uri("/admin/certificates")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.BAD_REQUEST)
                .expectBody()
                .jsonPath("$.detail")
                .value(value -> assertThat((String) value).startsWith(detail));
    }

    private static void assertRefusedWithinBound(RawHttp2Connection connection, int firstStream, Instant revoked) {
        int stream = firstStream;
        int status = connection.awaitStatus(send(connection, stream), TIMEOUT);
        while (status == 200 && Duration.between(revoked, Instant.now()).compareTo(RefusalTimer.BOUND) < 0) {
            stream += 2;
            status = connection.awaitStatus(send(connection, stream), TIMEOUT);
        }
        assertThat(status)
                .as("refused on the open connection within %s of the revocation", RefusalTimer.BOUND)
                .isEqualTo(403);
    }

    private static int send(RawHttp2Connection connection, int stream) {
        connection.request(stream, "GET", "/devices/a");
        return stream;
    }

    /** {@code DELETE /admin/certificates/{id}} on the first instance, expecting 204. */
    private static void revoke(Map<String, Object> registered) {
        TestAdmin.client(first.management())
                .delete()
                .uri("/admin/certificates/" + registered.get("id"))
                .exchange()
                .expectStatus()
                .isNoContent();
    }

    private static Map<String, Object> register(Issued certificate, String user, String scopes) {
        return TestAdmin.created(
                first.management(),
                "/admin/certificates",
                "{\"user\":\"" + user + "\",\"scopes\":\"" + scopes + "\",\"certificate\":"
                        + json(certificate.certificatePem()) + "}");
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String detail) {
        assertThat(answer.statusCode()).isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("\"detail\":\"" + detail + "\"");
        assertThat(answer.headers().firstValue("WWW-Authenticate"))
                .as("a route that takes only certificates has no scheme to challenge with")
                .isEmpty();
    }

    private static HttpClient presenting(Issued certificate) {
        return client(certificate.presentingTo(servers));
    }

    private static HttpClient client(SSLContext tls) {
        return HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(TIMEOUT)
                .build();
    }

    private static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + first.port() + path))
                .timeout(TIMEOUT);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String json(String text) {
        return "\""
                + text.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\r", "")
                        .replace("\n", "\\n") + "\"";
    }
}
