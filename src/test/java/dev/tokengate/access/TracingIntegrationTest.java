package dev.tokengate.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.GatewayIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Tracing, opt-in: with it on, the upstream receives a W3C {@code traceparent} of the request's trace, the access log
 * line names the trace, and the spans reach an OTLP collector (a real HTTP server here); with it off (the shared
 * gateway, default settings), none of that happens.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingIntegrationTest extends GatewayIntegrationTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01");

    private static HttpServer collector;
    private static final List<byte[]> exported = new CopyOnWriteArrayList<>();
    private static GatewayInstance traced;

    @BeforeAll
    static void startCollectorAndTracedGateway() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            exchange.getRequestBody().transferTo(body);
            exported.add(body.toByteArray());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        traced = GatewayInstance.start(
                redis,
                "management.tracing.export.enabled=true",
                "management.tracing.sampling.probability=1.0",
                "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:"
                        + collector.getAddress().getPort() + "/v1/traces");
    }

    @AfterAll
    static void stopCollectorAndTracedGateway() {
        traced.close();
        collector.stop(0);
    }

    @Test
    void tracedRequestsCarryTraceparentUpstreamNameTheTraceInTheLogAndAreExported(CapturedOutput output) {
        String traceparent =
                upstreamHeaders(traced.client(), "X-Request-Id", "trace-on").get("traceparent");

        assertThat(traceparent).as("traceparent sent upstream").matches(TRACEPARENT);
        String traceId = traceIdOf(traceparent);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains("request_id=trace-on trace_id=" + traceId + " method=GET path=/orders/1"));
        byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(exported)
                        .as("a span of trace %s exported over OTLP", traceId)
                        .anyMatch(body -> contains(body, traceIdBytes)));
    }

    @Test
    void aClientsTraceIsContinued() {
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, String> headers =
                upstreamHeaders(traced.client(), "traceparent", "00-" + clientTrace + "-00f067aa0ba902b7-01");

        assertThat(traceIdOf(headers.get("traceparent"))).isEqualTo(clientTrace);
        assertThat(headers.get("traceparent")).doesNotContain("00f067aa0ba902b7");
    }

    @Test
    void withTracingOffNothingIsAddedOrLogged(CapturedOutput output) {
        Map<String, String> headers = upstreamHeaders(client, "X-Request-Id", "trace-off");

        assertThat(headers).doesNotContainKey("traceparent");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut()).contains("request_id=trace-off method=GET"));
        assertThat(output.getOut()).doesNotContain("request_id=trace-off trace_id=");
    }

    /** The headers the upstream received for a token request carrying {@code header}. */
    private static Map<String, String> upstreamHeaders(WebTestClient gateway, String header, String value) {
        return gateway.get()
                .uri("/orders/1")
                .header("Authorization", "Bearer " + tokens.issue("alice", "orders:read"))
                .header(header, value)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Echo.class)
                .returnResult()
                .getResponseBody()
                .headers();
    }

    private static String traceIdOf(String traceparent) {
        Matcher matcher = TRACEPARENT.matcher(traceparent);
        assertThat(matcher.matches()).as(traceparent).isTrue();
        return matcher.group(1);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** What the recording upstream answers: the headers it received. */
    record Echo(String path, Map<String, String> headers) {}
}
