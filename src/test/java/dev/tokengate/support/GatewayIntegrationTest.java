package dev.tokengate.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the tests that run the whole gateway on a random port against the real test Redis and the recording
 * upstream. The routes are in {@code application-test.yml}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class GatewayIntegrationTest {

    protected static final TestRedis redis = TestRedis.shared();
    protected static final RecordingUpstream upstream = RecordingUpstream.shared();
    protected static TestTokens tokens;

    /** The gateway's client port. */
    protected WebTestClient client;

    @LocalServerPort
    protected int port;

    /** The actuator, on the management port. */
    protected WebTestClient management;

    @LocalManagementPort
    protected int managementPort;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", redis::host);
        registry.add("spring.data.redis.port", redis::port);
        registry.add("test.upstream.url", upstream::url);
        registry.add("test.upstream.ws-url", () -> upstream.url().replace("http:", "ws:"));
        registry.add("test.misbehaving.url", () -> MisbehavingUpstream.shared().url());
        registry.add("test.kept-alive.url", () -> KeepAliveUpstream.shared().url());
        registry.add("test.unreachable.url", () -> "http://" + TestRedis.HOST + ":" + FreePort.find());
    }

    @BeforeAll
    static void connectTokens() {
        tokens = new TestTokens(redis);
    }

    @AfterAll
    static void closeTokens() {
        tokens.close();
    }

    @BeforeEach
    void clearUpstream() {
        upstream.clear();
        client = TestClients.to(port);
        management = TestClients.to(managementPort);
    }

    /** GET {@code path} with {@code Authorization: Bearer <token>}. */
    protected WebTestClient.ResponseSpec bearer(String path, String token) {
        return BearerRequests.get(client, path, token);
    }
}
