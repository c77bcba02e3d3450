package dev.tokengate.route;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.AclSetuserArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An instance that starts while Redis will not let it in serves nothing, public routes included, until it has read
 * the routes stored there: a stored route that narrows a YAML one (here a token-required {@code /public/secret/**}
 * inside the public {@code /public/**}) would otherwise be missing and its paths public. Redis refuses the gateway's
 * user until the test enables it, so the stored route is there all along.
 */
class RoutesNotReadYetIntegrationTest {

    private static final String USER = "gateway";
    private static final String PASSWORD = "not-yet";
    private static final String NARROWING = "public-secret";

    private final RecordingUpstream upstream = RecordingUpstream.shared();
    private TestRedis redis;
    private TestTokens tokens;

    @BeforeEach
    void redisThatRefusesTheGateway() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        tokens.redis().aclSetuser(USER, AclSetuserArgs.Builder.off());
        upstream.clear();
    }

    @AfterEach
    void stopRedis() {
        tokens.close();
        redis.stop();
    }

    @Test
    void untilTheStoredRoutesAreReadEveryRouteAnswers503AndReadinessIsDownThenTheyStayThroughAnOutage() {
        tokens.redis().set(TestTokens.KEYS.route(NARROWING), narrowingRoute());
        String token = tokens.issue("alice", "");
        try (GatewayInstance gateway = GatewayInstance.start(
                redis,
                "spring.data.redis.username=" + USER,
                "spring.data.redis.password=" + PASSWORD,
                TestAdmin.PROPERTY)) {
            for (String path : List.of("/public/secret/x", "/public/1", "/orders/1")) {
                assertProblem(
                                gateway.client().get().uri(path).exchange(),
                                HttpStatus.SERVICE_UNAVAILABLE,
                                null,
                                RoutesNotReadFilter.DETAIL,
                                path)
                        .consumeWith(
                                result -> assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))
                                        .isEqualTo("1"));
            }
            readiness(gateway).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(routesHealth(gateway)).containsEntry("status", "DOWN");
            assertThat(upstream.requestCount()).isZero();

            tokens.redis().aclSetuser(USER, allowed());

            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> gateway.client()
                            .get()
                            .uri("/public/secret/x")
                            .exchange()
                            .expectStatus()
                            .isUnauthorized());
            gateway.client().get().uri("/public/1").exchange().expectStatus().isOk();
            gateway.client()
                    .get()
                    .uri("/public/secret/x")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isOk();
            readiness(gateway).expectStatus().isOk();
            assertThat(routesHealth(gateway))
                    .containsEntry("status", "UP")
                    .containsEntry("details", Map.of("runtimeRoutes", 1, "skipped", List.of()));
            assertThat(upstream.requests())
                    .extracting(request -> request.uri() + " " + request.header("X-User-Id"))
                    .containsExactly("/public/1 null", "/public/secret/x alice");

            // Once read, the routes stay in service through an outage; the narrowing route still needs its token.
            redis.stop();
            gateway.client().get().uri("/public/1").exchange().expectStatus().isOk();
            gateway.client()
                    .get()
                    .uri("/public/secret/x")
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();
            readiness(gateway).expectStatus().isOk();
            redis.start();
        }
    }

    /**
     * A stored route that would not load is skipped (its paths fall to whatever broader route matches) and named with
     * its id in the health details, which only the admin credential shows.
     */
    @Test
    void aStoredRouteThatWouldNotLoadIsNamedInTheHealthDetailsForAdminsOnly() {
        tokens.redis().aclSetuser(USER, allowed());
        tokens.redis()
                .set(
                        TestTokens.KEYS.route("broken"),
                        narrowingRoute().replace("\"metadata\":{}", "\"metadata\":{\"auth\":\"nonee\"}"));
        try (GatewayInstance gateway = GatewayInstance.start(
                redis,
                "spring.data.redis.username=" + USER,
                "spring.data.redis.password=" + PASSWORD,
                TestAdmin.PROPERTY)) {
            Map<String, Object> routes = routesHealth(gateway);

            assertThat(routes).containsEntry("status", "UP");
            assertThat(routes.get("details").toString())
                    .contains("'broken' (Redis key routedefinition_broken)")
                    .contains("'nonee' is none of 'none', 'required', 'certificate', 'token-or-certificate'");
            gateway.management()
                    .get()
                    .uri("/actuator/health/routes")
                    .exchange()
                    .expectBody()
                    .jsonPath("$.details")
                    .doesNotExist();
        }
    }

    private String narrowingRoute() {
        return "{\"uri\":\"" + upstream.url() + "\",\"order\":-100,\"predicates\":[{\"name\":\"Path\",\"args\":"
                + "{\"_genkey_0\":\"/public/secret/**\"}}],\"metadata\":{}}";
    }

    private static AclSetuserArgs allowed() {
        return AclSetuserArgs.Builder.on()
                .addPassword(PASSWORD)
                .allKeys()
                .allChannels()
                .allCommands();
    }

    private static WebTestClient.ResponseSpec readiness(GatewayInstance gateway) {
        return gateway.management().get().uri("/actuator/health/readiness").exchange();
    }

    /** The routes component as an admin sees it, whatever the status (503 while DOWN). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> routesHealth(GatewayInstance gateway) {
        return TestAdmin.client(gateway.management())
                .get()
                .uri("/actuator/health/routes")
                .exchange()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }
}
