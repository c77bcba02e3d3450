package dev.tokengate.upstream;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.KeepAliveUpstream;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.RawHttpClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;

/**
 * A request that is safe to repeat is sent once more, on another connection, when the upstream closes or resets the
 * connection before a single byte of an answer; never after a byte, never a request with a body, never twice.
 * {@link KeepAliveUpstream} fails a path's first arrival as the path's last segment asks.
 */
@ExtendWith(OutputCaptureExtension.class)
class UpstreamRetryIntegrationTest extends GatewayIntegrationTest {

    private final KeepAliveUpstream kept = KeepAliveUpstream.shared();

    @BeforeEach
    void clearKept() {
        kept.clear();
    }

    @ParameterizedTest
    @ValueSource(strings = {"close-first", "reset-first"})
    void aGetWhoseConnectionTheUpstreamClosesOrResetsBeforeAnsweringIsSentAgainOnce(String failure) {
        double retriesBefore = retries();
        String path = path(failure);

        client.get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.arrival")
                .isEqualTo(2);

        assertThat(kept.arrivals(path)).isEqualTo(2);
        assertThat(retries()).isEqualTo(retriesBefore + 1);
    }

    @Test
    void headAndOptionsAreSentAgainToo() {
        String head = path("close-first");
        String options = path("close-first");

        client.head().uri(head).exchange().expectStatus().isOk();
        client.options().uri(options).exchange().expectStatus().isOk();

        assertThat(kept.arrivals(head)).isEqualTo(2);
        assertThat(kept.arrivals(options)).isEqualTo(2);
    }

    @Test
    void theRetriedRequestIsMarkedInTheAccessLog(CapturedOutput output) {
        String path = path("close-first");

        client.get().uri(path).exchange().expectStatus().isOk();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .containsPattern("path=" + path + " route=kept-alive-public user=- status=200 "
                                + "duration_ms=\\S+ retried=true"));
    }

    /** A partial status line or a whole head: the upstream did answer, and may have acted on the request. */
    @ParameterizedTest
    @ValueSource(strings = {"partial-first", "head-first"})
    void aGetIsNotSentAgainOnceAByteOfTheAnswerCameBack(String failure) {
        String path = path(failure);

        assertThat(new RawHttpClient(port).get(path).status()).isEqualTo(HttpStatus.BAD_GATEWAY.value());

        assertThat(kept.arrivals(path)).isEqualTo(1);
    }

    @Test
    void aPostWithABodyIsNeverSentAgain() {
        String path = path("close-first");

        assertProblem(
                client.post().uri(path).bodyValue("charge 10 EUR").exchange(),
                HttpStatus.BAD_GATEWAY,
                null,
                "The upstream service could not be reached.",
                path);

        assertThat(kept.arrivals(path)).isEqualTo(1);
    }

    /** Complete once its head is out: the upstream may have acted on it. */
    @Test
    void aPostWithoutABodyIsNeverSentAgainEither() {
        String path = path("close-first");

        RawHttpClient.Response answer = new RawHttpClient(port).request("POST", path, List.of(), null);

        assertThat(answer.status()).isEqualTo(HttpStatus.BAD_GATEWAY.value());
        assertThat(kept.arrivals(path)).isEqualTo(1);
    }

    @Test
    void aGetIsSentAgainOnlyOnce() {
        String path = path("close-always");

        client.get().uri(path).exchange().expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY);

        assertThat(kept.arrivals(path)).isEqualTo(2);
    }

    @Test
    void aGetWithABodyIsNeverSentAgain() {
        String path = path("close-first");

        RawHttpClient.Response answer = new RawHttpClient(port).request("GET", path, List.of(), "a body");

        assertThat(answer.status()).isEqualTo(HttpStatus.BAD_GATEWAY.value());
        assertThat(kept.arrivals(path)).isEqualTo(1);
    }

    private static String path(String failure) {
        return "/kept-alive-public/" + UUID.randomUUID() + "/" + failure;
    }

    private double retries() {
        return PrometheusScrape.sum(management, "tokengate_upstream_retries_total", "route=\"kept-alive-public\"");
    }
}
