package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.FreePort;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;

/**
 * Every way of not reaching Redis is named, with the address: in one log line per change (not one per request), and
 * in health's details for the admin. Each test starts a gateway against a Redis it cannot use.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisFailureCausesIntegrationTest {

    private static final int REQUESTS = 5;

    @Test
    void aWrongPasswordIsNamedAsAnAuthenticationFailure(CapturedOutput output) {
        TestRedis protectedRedis = TestRedis.startNew("requirepass right-password");
        try (GatewayInstance gateway = GatewayInstance.start(
                protectedRedis, "spring.data.redis.password=wrong-password", TestAdmin.PROPERTY)) {
            assertNamed(
                    gateway,
                    output,
                    "127.0.0.1:" + protectedRedis.port(),
                    "authentication",
                    "authentication failed (NOAUTH/WRONGPASS)");
        } finally {
            protectedRedis.stop();
        }
    }

    @Test
    void aPortWhereNothingListensIsNamedAsRefused(CapturedOutput output) {
        int port = FreePort.find();
        try (GatewayInstance gateway = GatewayInstance.startWith(
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port, TestAdmin.PROPERTY)) {
            assertNamed(gateway, output, "127.0.0.1:" + port, "refused", "connection refused");
        }
    }

    @Test
    void aHostNameThatDoesNotResolveIsNamedAsDns(CapturedOutput output) {
        try (GatewayInstance gateway = GatewayInstance.startWith(
                "spring.data.redis.host=no-such-redis.invalid", "spring.data.redis.port=6379", TestAdmin.PROPERTY)) {
            assertNamed(gateway, output, "no-such-redis.invalid:6379", "dns", "host name not found (DNS)");
        }
    }

    private static void assertNamed(
            GatewayInstance gateway, CapturedOutput output, String address, String cause, String description) {
        for (int i = 0; i < REQUESTS; i++) {
            BearerRequests.get(gateway.client(), "/orders/1", TestTokens.newToken())
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        }
        // Never having read its stored routes, the instance serves no route at all (RoutesNotReadYetIntegrationTest)
        gateway.client().get().uri("/public/1").exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);

        // RedisStatus logs from the connection's own failure signal, which may trail the requests' 503s
        String line = "Redis at " + address + " does not answer: " + description;
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut()).contains(line));
        TestAdmin.client(gateway.management())
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody()
                .jsonPath("$.components.redis.status")
                .isEqualTo("DOWN")
                .jsonPath("$.components.redis.details.mode")
                .isEqualTo("standalone")
                .jsonPath("$.components.redis.details.address")
                .isEqualTo(address)
                .jsonPath("$.components.redis.details.lastError.cause")
                .isEqualTo(cause);
        assertThat(output.getOut().split(java.util.regex.Pattern.quote(line), -1))
                .as("log lines naming the failure, once however many requests met it")
                .hasSize(2);
    }
}
