package dev.tokengate.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.FreePort;
import dev.tokengate.support.GatewayProcess;
import dev.tokengate.support.TestClients;
import dev.tokengate.support.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Boot's structured logging, set on the command line as an operator would, applies to the application log and
 * to the access log, whose events carry the same fields as the plain line. A process of its own: logging is set up
 * once per JVM.
 */
class StructuredLoggingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash"})
    void everyLineIsJsonAndTheAccessEventCarriesTheFields(String format) {
        TestRedis redis = TestRedis.shared();
        int managementPort = FreePort.find();
        List<String> args = new ArrayList<>(List.of(GatewayProcess.redisAt(redis.host(), redis.port())));
        args.add("--logging.structured.format.console=" + format);
        args.add("--management.server.port=" + managementPort);
        try (GatewayProcess gateway = GatewayProcess.start(args.toArray(String[]::new))) {
            TestClients.to(gateway.port())
                    .get()
                    .uri("/public/structured")
                    .header("X-Request-Id", "req-structured-1")
                    .exchange()
                    .expectStatus()
                    .isOk();
            // the management server starts after the gateway's own
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> TestClients.to(managementPort)
                            .get()
                            .uri("/actuator/health/readiness")
                            .exchange()
                            .expectStatus()
                            .isOk());

            JsonNode access = await().atMost(Duration.ofSeconds(10))
                    .until(() -> accessEvent(gateway, "req-structured-1"), event -> event != null);

            assertThat(access.path("method").asString()).isEqualTo("GET");
            assertThat(access.path("path").asString()).isEqualTo("/public/structured");
            assertThat(access.path("route").asString()).isEqualTo("public");
            assertThat(access.path("user").asString()).isEqualTo("-");
            assertThat(access.path("status").asInt()).isEqualTo(200);
            assertThat(access.path("duration_ms").isNumber()).isTrue();
            assertThat(access.toString()).contains("GET /public/structured 200");
            List<JsonNode> lines = lines(gateway);
            assertThat(lines)
                    .as("application log lines as JSON too")
                    .anySatisfy(line -> assertThat(line.toString()).contains("Started TokengateApplication"));
            assertThat(lines)
                    .as("probes on the management port are not logged")
                    .noneSatisfy(
                            line -> assertThat(line.path("path").asString()).startsWith("/actuator/health"));
        }
    }

    @Test
    void withoutAFormatTheAccessLogIsOnePlainLine() {
        TestRedis redis = TestRedis.shared();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.redisAt(redis.host(), redis.port()))) {
            TestClients.to(gateway.port())
                    .get()
                    .uri("/public/plain")
                    .header("X-Request-Id", "req-plain-1")
                    .exchange()
                    .expectStatus()
                    .isOk();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gateway.output()
                            .lines()
                            .anyMatch(line -> line.matches(
                                    "\\S+ access request_id=req-plain-1 method=GET path=/public/plain route=public user=-"
                                            + " status=200 duration_ms=\\d+\\.\\d")));
        }
    }

    private static JsonNode accessEvent(GatewayProcess gateway, String requestId) {
        return lines(gateway).stream()
                .filter(line -> requestId.equals(line.path("request_id").asString()))
                .findFirst()
                .orElse(null);
    }

    /** Every line of the output, each of which must be a JSON object. */
    private static List<JsonNode> lines(GatewayProcess gateway) {
        return gateway.output()
                .lines()
                .filter(line -> !line.isBlank())
                .map(JSON::readTree)
                .toList();
    }
}
