package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.TestTokens;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** What ops scrape from the management port: every token check by route and outcome, Redis lookups, routes. */
class AuthMetricsIntegrationTest extends GatewayIntegrationTest {

    @Test
    void everyOutcomeIsCountedByRouteInPrometheus() {
        String valid = tokens.issue("alice", "orders:read");
        String readOnly = tokens.issue("bob", "orders:read");
        String before = scrape();

        bearer("/orders/1", valid).expectStatus().isOk();
        bearer("/orders/1", TestTokens.newToken()).expectStatus().isUnauthorized();
        client.get().uri("/orders/1").exchange().expectStatus().isUnauthorized();
        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer a b")
                .exchange()
                .expectStatus()
                .isBadRequest();
        bearer("/orders-admin/1", readOnly).expectStatus().isForbidden();

        String after = scrape();
        assertThat(increase(before, after, "tokengate_auth_requests_total", "outcome=\"ok\",route=\"orders\""))
                .isEqualTo(1);
        assertThat(increase(before, after, "tokengate_auth_requests_total", "outcome=\"invalid\",route=\"orders\""))
                .isEqualTo(1);
        assertThat(increase(before, after, "tokengate_auth_requests_total", "outcome=\"missing\",route=\"orders\""))
                .isEqualTo(1);
        assertThat(increase(before, after, "tokengate_auth_requests_total", "outcome=\"malformed\",route=\"orders\""))
                .isEqualTo(1);
        assertThat(increase(
                        before, after, "tokengate_auth_requests_total", "outcome=\"forbidden\",route=\"orders-write\""))
                .isEqualTo(1);
    }

    @Test
    void redisLookupsGatewayRoutesAndTheNearCacheAreExported() {
        bearer("/orders/1", tokens.issue("alice", "orders:read")).expectStatus().isOk();

        String metrics = scrape();

        assertThat(metrics)
                .contains("tokengate_redis_lookups_seconds_count{outcome=\"answered\"}")
                .contains("tokengate_redis_lookups_seconds_bucket")
                .contains("tokengate_cache_lookups_total")
                .contains("tokengate_cache_tracking")
                .containsPattern("spring_cloud_gateway_requests_seconds_count\\{[^}]*routeId=\"orders\"");
    }

    @Test
    void actuatorIsNotOnTheClientPort() {
        client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
    }

    private String scrape() {
        return PrometheusScrape.of(management);
    }

    private static double increase(String before, String after, String name, String labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    private static double value(String scrape, String name, String labels) {
        Matcher matcher = Pattern.compile(
                        "^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
