package dev.tokengate.problem;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.MisbehavingUpstream;
import dev.tokengate.support.RawHttpClient;
import java.time.Duration;
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

    @Test
    void upstreamSlowerThanTheRouteResponseTimeoutIsAProblem504() {
        long started = System.nanoTime();

        assertProblem(
                client.get().uri("/slow/1").exchange(),
                HttpStatus.GATEWAY_TIMEOUT,
                null,
                "The upstream service did not answer in time.",
                "/slow/1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(MisbehavingUpstream.SLOW_ANSWER_DELAY);
    }

    /**
     * A short answer is held back until its last byte (WholeResponseFilter), so when the upstream breaks it off
     * nothing of it has left: the client gets a 502 that says so, never a 200 cut short.
     */
    @Test
    void upstreamResetMidwayThroughAShortAnswerIsAProblem502() {
        assertProblem(
                client.get().uri("/reset/1").exchange(),
                HttpStatus.BAD_GATEWAY,
                null,
                "The upstream service broke off its answer.",
                "/reset/1");
    }

    /**
     * A long answer streams: the 200 and the first bytes are on their way to the client before the upstream fails, so
     * the client must be able to tell that the response is incomplete, and the gateway closes the connection short of
     * the promised length.
     */
    @Test
    void upstreamResetMidwayThroughALongAnswerIsNotPassedOffAsAComplete200() {
        RawHttpClient.Response response = new RawHttpClient(port).get("/reset-long/1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(MisbehavingUpstream.LONG_PROMISE));
        assertThat(response.body()).isEqualTo(MisbehavingUpstream.PARTIAL_BODY);
    }
}
