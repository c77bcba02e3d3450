package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestAdmin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;

/**
 * A path that the router, a guard and an upstream could read differently never reaches any of them: the firewall
 * answers 400 before a route is matched, on both ports. Sent over raw sockets, since HTTP clients normalise paths.
 */
@TestPropertySource(properties = TestAdmin.PROPERTY)
class CanonicalPathIntegrationTest extends GatewayIntegrationTest {

    @ParameterizedTest
    @MethodSource("dev.tokengate.support.PathSpellings#nonCanonical")
    void nonCanonicalPathsAreRefusedBeforeRoutingAndNothingIsForwarded(String path) {
        RawHttpClient.Response response = new RawHttpClient(port).get(path, "Authorization: Bearer whatever");

        assertMalformedPath(response);
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * A target that is not a URI at all (a raw backslash, a raw non-ASCII byte) never becomes a request: Spring's HTTP
     * adapter cannot parse it and answers a bare 400 before any filter runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/public/x\\..\\orders\\1", "/public/a\"b", "/public/a b"})
    void targetsThatAreNotUrisAre400WithoutReachingAnyFilter(String path) {
        assertThat(new RawHttpClient(port).get(path).status()).isEqualTo(400);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void theManagementPortRefusesTheSameSpellings() {
        for (String path : List.of(
                "/actuator/health/../gateway/routes",
                "/actuator;/gateway/routes",
                "/actuator/gateway;x=1/routes",
                "/admin;/tokens",
                "/admin/%2e%2e/admin/tokens",
                "/actuator//gateway/routes")) {
            assertMalformedPath(new RawHttpClient(managementPort).get(path));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRACE", "PROPFIND", "Z033D636ABA", "get"})
    void methodsOutsideTheStandardSetAre501BeforeRouting(String method) {
        RawHttpClient.Response response = new RawHttpClient(port).request(method, "/public/x", List.of(), null);

        assertThat(response.status()).isEqualTo(501);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.body()).contains("\"detail\":\"Method not supported.\"");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void canonicalPathsPassAsSentEncodedLettersIncluded() {
        assertThat(new RawHttpClient(port).get("/public/%61bc?q=%2e%2e").status())
                .isEqualTo(200);

        assertThat(upstream.lastRequest().uri()).isEqualTo("/public/%61bc?q=%2e%2e");
    }

    private static void assertMalformedPath(RawHttpClient.Response response) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(response.body()).contains("\"status\":400").contains("\"detail\":\"Malformed request path.\"");
    }
}
