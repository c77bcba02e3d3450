package dev.tokengate.problem;

import static dev.tokengate.support.ProblemAssertions.assertProblem;

import dev.tokengate.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Answers the gateway writes for reasons other than credentials have the same problem+json shape. */
class GatewayErrorResponsesIntegrationTest extends GatewayIntegrationTest {

    @Test
    void requestMatchingNoRouteIsAProblem404() {
        assertProblem(
                client.delete().uri("/no/such/route?x=1").exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "No route matches this request.",
                "/no/such/route");
    }

    @Test
    void upstreamRefusingConnectionsIsAProblem502WithoutAStackTrace() {
        assertProblem(
                        client.get().uri("/unreachable/1").exchange(),
                        HttpStatus.BAD_GATEWAY,
                        null,
                        "The upstream service could not be reached.",
                        "/unreachable/1")
                .jsonPath("$.trace")
                .doesNotExist();
    }
}
