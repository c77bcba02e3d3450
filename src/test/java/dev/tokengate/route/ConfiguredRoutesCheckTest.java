package dev.tokengate.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.TokengateApplication;
import dev.tokengate.config.InvalidSettingsException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A configured route that would not load stops startup, before any server or Redis connection starts, with a line
 * naming the route, where it is configured, and what is wrong. Spring Cloud Gateway alone would start, report ready,
 * and answer every request with a 500. These runs need no Redis: they never get that far.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfiguredRoutesCheckTest {

    private static final String ROUTES = "--spring.cloud.gateway.server.webflux.routes";

    @Test
    void aMistypedPredicateStopsStartupNamingTheRouteAndTheNearestPredicate(CapturedOutput output) {
        assertThatThrownBy(() -> start(route(0, "orders", "Pathh=/orders/**")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("Route 'orders' (spring.cloud.gateway.server.webflux.routes[0]): predicate 'Pathh' does"
                        + " not exist; did you mean 'Path'?");
        assertThat(output.getOut()).contains("APPLICATION FAILED TO START").contains("predicate 'Pathh'");
    }

    /** A route that takes certificates on a port that cannot ask for them would refuse every request it gets. */
    @Test
    void aCertificateRouteStopsStartupWhereTheClientPortDoesNotAskForCertificates() {
        List<String> args = new ArrayList<>(route(0, "devices", "Path=/devices/**"));
        args.add(ROUTES + "[0].metadata.auth=certificate");

        assertThatThrownBy(() -> start(args))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("Route 'devices' (spring.cloud.gateway.server.webflux.routes[0]): metadata auth:"
                        + " 'certificate': client certificates need TLS on the client port that asks for them:"
                        + " server.ssl.client-auth=want, with the clients' authority in the trust store of its SSL"
                        + " bundle.");
    }

    @Test
    void everyRouteThatWouldNotLoadIsNamedAtOnce() {
        List<String> args = new ArrayList<>();
        args.addAll(route(0, "filter-typo", "Path=/a/**"));
        args.add(ROUTES + "[0].filters[0]=StripPrefx=1");
        args.addAll(route(1, "bad-args", "After=yesterday"));
        args.addAll(route(2, "bad-auth", "Path=/c/**"));
        args.add(ROUTES + "[2].metadata.auth=nonee");
        args.addAll(route(3, "bad-scopes", "Path=/d/**"));
        args.add(ROUTES + "[3].metadata.scopes=orders:read,orders:write");
        args.addAll(route(4, "bad-timeout", "Path=/e/**"));
        args.add(ROUTES + "[4].metadata.response-timeout=abc");
        args.addAll(route(5, "fine", "Path=/f/**"));
        args.add("--spring.cloud.gateway.server.webflux.default-filters[0]=AddRequestHeder=X-A, b");

        assertThatThrownBy(() -> start(args))
                .isInstanceOfSatisfying(
                        InvalidSettingsException.class,
                        failure -> assertThat(failure.mistakes())
                                .hasSize(6)
                                .anySatisfy(line -> assertThat(line)
                                        .startsWith("Route 'bad-args' (spring.cloud.gateway.server.webflux.routes[1]):"
                                                + " predicate 'After' cannot take the arguments"
                                                + " {_genkey_0=yesterday}: ")
                                        .contains("'yesterday' could not be parsed"))
                                .contains(
                                        "Default filters (spring.cloud.gateway.server.webflux.default-filters): filter"
                                                + " 'AddRequestHeder' does not exist; did you mean 'AddRequestHeader'?",
                                        "Route 'filter-typo' (spring.cloud.gateway.server.webflux.routes[0]): filter"
                                                + " 'StripPrefx' does not exist; did you mean 'StripPrefix'?",
                                        "Route 'bad-auth' (spring.cloud.gateway.server.webflux.routes[2]): metadata"
                                                + " auth: 'nonee' is none of 'none', 'required', 'certificate',"
                                                + " 'token-or-certificate'.",
                                        "Route 'bad-scopes' (spring.cloud.gateway.server.webflux.routes[3]): metadata"
                                                + " scopes: 'orders:read,orders:write' has a comma: scopes are"
                                                + " separated by spaces.",
                                        "Route 'bad-timeout' (spring.cloud.gateway.server.webflux.routes[4]):"
                                                + " metadata response-timeout: 'abc' is not a number of"
                                                + " milliseconds."));
    }

    private static List<String> route(int index, String id, String predicate) {
        return List.of(
                ROUTES + "[" + index + "].id=" + id,
                ROUTES + "[" + index + "].uri=http://127.0.0.1:9",
                ROUTES + "[" + index + "].predicates[0]=" + predicate);
    }

    private static void start(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.add("--server.port=0");
        all.add("--management.server.port=0");
        SpringApplication application = new SpringApplication(TokengateApplication.class);
        application.setWebApplicationType(WebApplicationType.REACTIVE);
        application.run(all.toArray(String[]::new)).close();
    }
}
