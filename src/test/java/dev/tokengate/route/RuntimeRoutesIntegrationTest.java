package dev.tokengate.route;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Routes changed through Spring Cloud Gateway's actuator endpoint on one instance: kept in Redis, announced over
 * pub/sub, and enforced with their token policy on every instance within a second.
 */
@TestPropertySource(properties = TestAdmin.PROPERTY)
class RuntimeRoutesIntegrationTest extends GatewayIntegrationTest {

    static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);

    private static GatewayInstance other;

    @BeforeAll
    static void startAnotherInstance() {
        long listeners = subscribers();
        other = GatewayInstance.start(redis, TestAdmin.PROPERTY);
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() > listeners);
    }

    private static long subscribers() {
        return tokens.redis().pubsubNumsub(TestTokens.KEYS.routesChannel()).get(TestTokens.KEYS.routesChannel());
    }

    @AfterAll
    static void stopAnotherInstance() {
        other.close();
    }

    @Test
    void routeAddedOnOneInstanceServesOnTheOtherWithinASecondWithItsTokenPolicy() {
        String id = routeId("dyn");
        String reader = tokens.issue("dora", "dyn:read");
        String stranger = tokens.issue("sam", "other:scope");
        try {
            addRoute(id, "{\"scopes\":\"dyn:read\"}");

            // Refreshing is asynchronous on the instance that took the change too.
            await().atMost(PROPAGATION_BOUND)
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> {
                        get(other.client(), "/" + id + "/x", reader)
                                .expectStatus()
                                .isOk();
                        get(client, "/" + id + "/x", reader).expectStatus().isOk();
                    });
            upstream.clear();
            get(other.client(), "/" + id + "/x", null).expectStatus().isUnauthorized();
            get(client, "/" + id + "/x", null).expectStatus().isUnauthorized();
            get(other.client(), "/" + id + "/x", stranger).expectStatus().isForbidden();
            assertThat(upstream.requestCount()).isZero();
        } finally {
            deleteRoute(id);
        }
    }

    @Test
    void deletedRouteAnswers404OnEveryInstance() {
        String id = routeId("gone");
        addRoute(id, "{\"auth\":\"none\"}");
        await().atMost(PROPAGATION_BOUND)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> get(other.client(), "/" + id + "/x", null)
                        .expectStatus()
                        .isOk());

        deleteRoute(id);

        await().atMost(PROPAGATION_BOUND).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            get(client, "/" + id + "/x", null).expectStatus().isNotFound();
            get(other.client(), "/" + id + "/x", null).expectStatus().isNotFound();
        });
    }

    /**
     * The router tests only the routes a path's first segment could match, in their order: a route ordered ahead with
     * a variable first segment still comes before the configured {@code /orders/**}, until it is deleted.
     */
    @Test
    void aRouteOrderedAheadOfLiteralRoutesIsTestedFirstEvenWithAVariableFirstSegment() {
        String id = routeId("ahead");
        String body = "{\"uri\":\"" + upstream.url() + "\",\"order\":-1,\"predicates\":[{\"name\":\"Path\","
                + "\"args\":{\"_genkey_0\":\"/{section}/" + id + "/**\"}}],\"metadata\":{\"auth\":\"none\"}}";
        saveAndRefresh(id, body);
        try {
            await().atMost(PROPAGATION_BOUND)
                    .pollInterval(Duration.ofMillis(20))
                    .untilAsserted(() -> get(client, "/orders/" + id + "/x", null)
                            .expectStatus()
                            .isOk());
            get(client, "/orders/other/x", null).expectStatus().isUnauthorized();
            assertThat(upstream.lastRequest().uri()).isEqualTo("/orders/" + id + "/x");
        } finally {
            deleteRoute(id);
        }
        await().atMost(PROPAGATION_BOUND)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() ->
                        get(client, "/orders/" + id + "/x", null).expectStatus().isUnauthorized());
    }

    @Test
    void routesKeptInRedisAreServedByAnInstanceStartedAfterwards() {
        String id = routeId("kept");
        addRoute(id, "{\"auth\":\"none\"}");
        try (GatewayInstance restarted = GatewayInstance.start(redis)) {
            get(restarted.client(), "/" + id + "/x", null).expectStatus().isOk();
        } finally {
            deleteRoute(id);
        }
    }

    @Test
    void aRouteThatWouldNotLoadIsRefusedWith400NamingTheProblemAndIsNotStored() {
        String id = routeId("typo");
        String body = definition(id, "{\"auth\":\"nonee\"}")
                .replace(
                        "{\"name\":\"Path\"",
                        "{\"name\":\"After\",\"args\":{\"_genkey_0\":\"yesterday\"}},{\"name\":\"Path\"");

        assertProblem(
                admin().post()
                        .uri("/actuator/gateway/routes/{id}", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Route '" + id + "' is not valid: predicate 'After' cannot take the arguments {_genkey_0=yesterday}:"
                        + " Text 'yesterday' could not be parsed at index 0; metadata auth: 'nonee' is none of"
                        + " 'none', 'required', 'certificate', 'token-or-certificate'.",
                "/actuator/gateway/routes/" + id);
        assertThat(tokens.redis().exists(TestTokens.KEYS.route(id))).isZero();
    }

    /** Spring Cloud Gateway's endpoint refuses a name no factory has before the route reaches the gateway's check. */
    @Test
    void aPredicateThatDoesNotExistIsRefusedWith400() {
        String id = routeId("typo");

        assertProblem(
                admin().post()
                        .uri("/actuator/gateway/routes/{id}", id)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(definition(id, "{}").replace("\"Path\"", "\"Pathh\""))
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Invalid PredicateDefinition: [Pathh]",
                "/actuator/gateway/routes/" + id);
        assertThat(tokens.redis().exists(TestTokens.KEYS.route(id))).isZero();
    }

    @Test
    void aSavedRouteAnswers201WithTheLocationOfTheRouteUnderTheEndpoint() {
        String id = routeId("located");
        try {
            admin().post()
                    .uri("/actuator/gateway/routes/{id}", id)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(definition(id, "{\"auth\":\"none\"}"))
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectHeader()
                    .valueEquals(HttpHeaders.LOCATION, "/actuator/gateway/routes/" + id);
        } finally {
            deleteRoute(id);
        }
    }

    /**
     * Routes written into Redis by hand bypass the endpoint's check. A refresh that would not load one of them is
     * refused, and changes nothing: the route stored beside it is not put in service either. An instance that reads
     * its routes anyway (starting, or after a reconnect) skips the one that would not load and serves the others.
     */
    @Test
    void aRefreshThatWouldNotLoadAStoredRouteIsRefusedWith409AndChangesNothing() {
        String id = routeId("beside-bad");
        String junk = TestTokens.KEYS.route(routeId("junk"));
        String typo = routeId("typo");
        tokens.redis().set(junk, "{not json");
        tokens.redis().set(TestTokens.KEYS.route(typo), definition(typo, "{}").replace("\"Path\"", "\"Pathh\""));
        tokens.redis().set(TestTokens.KEYS.route(id), definition(id, "{\"auth\":\"none\"}"));
        try {
            refusedRefresh(HttpStatus.CONFLICT)
                    .jsonPath("$.detail")
                    .value(
                            String.class,
                            detail -> assertThat(detail)
                                    .startsWith("Stored routes would not load: ")
                                    .contains("(Redis key " + junk + "): not a route definition")
                                    .contains("'" + typo + "' (Redis key " + TestTokens.KEYS.route(typo)
                                            + "): predicate 'Pathh' does not exist")
                                    .doesNotContain(id)
                                    .endsWith(
                                            "the routes in service are unchanged. Fix or delete them, then refresh again."))
                    .jsonPath("$.routes.length()")
                    .isEqualTo(2);
            get(client, "/" + id + "/x", null).expectStatus().isNotFound();

            try (GatewayInstance started = GatewayInstance.start(redis)) {
                get(started.client(), "/" + id + "/x", null).expectStatus().isOk();
                get(started.client(), "/" + typo + "/x", null).expectStatus().isNotFound();
                get(started.client(), "/public/x", null).expectStatus().isOk();
            }
        } finally {
            tokens.redis().del(junk, TestTokens.KEYS.route(typo), TestTokens.KEYS.route(id));
        }
    }

    @Test
    void runtimeRoutesStayInPlaceWhenRoutesAreRefreshedWhileRedisIsDown() {
        String id = routeId("outage");
        addRoute(id, "{\"auth\":\"none\"}");
        await().atMost(PROPAGATION_BOUND)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(
                        () -> get(client, "/" + id + "/x", null).expectStatus().isOk());
        long listeners = subscribers();
        redis.stop();
        try {
            refusedRefresh(HttpStatus.SERVICE_UNAVAILABLE)
                    .jsonPath("$.detail")
                    .value(
                            String.class,
                            detail -> assertThat(detail)
                                    .startsWith("Runtime routes could not be read from Redis (")
                                    .endsWith("Routes not refreshed; the routes in service are unchanged."));
            get(client, "/" + id + "/x", null).expectStatus().isOk();
            admin().post()
                    .uri("/actuator/gateway/routes/{id}", routeId("during-outage"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(definition("during-outage", "{}"))
                    .exchange()
                    .expectStatus()
                    .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        } finally {
            redis.start();
        }
        // The restarted test Redis is empty (nothing to delete); both instances listen for route changes again.
        await().atMost(Duration.ofSeconds(10)).until(() -> subscribers() >= listeners);
    }

    /**
     * A change announced while an instance's Redis connections are down never reaches it: after a reconnect every
     * instance reads its routes again. Here the route is written straight into Redis, announced to no one, and only
     * the reconnect makes the instances read it.
     */
    @Test
    void instancesReadTheirRoutesAgainAfterReconnectingToRedis() {
        String id = routeId("reconnect");
        String key = TestTokens.KEYS.route(id);
        tokens.redis().set(key, definition(id, "{\"auth\":\"none\"}"));
        try {
            get(client, "/" + id + "/x", null).expectStatus().isNotFound();

            tokens.redis().clientKill(KillArgs.Builder.skipme());

            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> {
                        get(client, "/" + id + "/x", null).expectStatus().isOk();
                        get(other.client(), "/" + id + "/x", null)
                                .expectStatus()
                                .isOk();
                    });
        } finally {
            deleteRoute(id);
        }
    }

    @Test
    void gatewayEndpointNeedsTheAdminCredential() {
        TestAdmin.assertNeedsAdminCredential(management, "/actuator/gateway/routes");
    }

    /** A route id (and path segment) of its own for each test, as routes stay in the shared Redis. */
    private static String routeId(String prefix) {
        return prefix + "-"
                + TestTokens.newToken().substring(0, 8).toLowerCase().replace('_', 'x');
    }

    private static String definition(String id, String metadata) {
        return "{\"uri\":\"" + upstream.url() + "\",\"predicates\":[{\"name\":\"Path\",\"args\":{\"_genkey_0\":\"/" + id
                + "/**\"}}],\"metadata\":" + metadata + "}";
    }

    private void addRoute(String id, String metadata) {
        saveAndRefresh(id, definition(id, metadata));
    }

    private void saveAndRefresh(String id, String definition) {
        admin().post()
                .uri("/actuator/gateway/routes/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(definition)
                .exchange()
                .expectStatus()
                .isCreated();
        admin().post()
                .uri("/actuator/gateway/refresh")
                .exchange()
                .expectStatus()
                .isOk();
    }

    private void deleteRoute(String id) {
        admin().delete()
                .uri("/actuator/gateway/routes/{id}", id)
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
        admin().post()
                .uri("/actuator/gateway/refresh")
                .exchange()
                .expectStatus()
                .isOk();
    }

    private WebTestClient.BodyContentSpec refusedRefresh(HttpStatus status) {
        return admin().post()
                .uri("/actuator/gateway/refresh")
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody();
    }

    private WebTestClient admin() {
        return TestAdmin.client(management);
    }

    private static WebTestClient.ResponseSpec get(WebTestClient client, String path, String token) {
        WebTestClient.RequestHeadersSpec<?> request = client.get().uri(path);
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        return request.exchange();
    }
}
