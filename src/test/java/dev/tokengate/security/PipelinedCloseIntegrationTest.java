package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A request pipelined behind one that is still being forwarded, and carrying {@code Connection: close}, gets its
 * answer, then the connection closes (RFC 9112 section 9.6). Requests sent after it on the same connection are not
 * processed.
 */
class PipelinedCloseIntegrationTest extends GatewayIntegrationTest {

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    @Test
    void aPipelinedCloseRequestIsAnsweredThenTheConnectionCloses() {
        String answers = exchange(request("/public/one", "") + request("/public/two", "Connection: close\r\n"));

        assertThat(statuses(answers)).containsExactly(200, 200);
        assertThat(answers).contains("\"path\":\"/public/one\"").contains("\"path\":\"/public/two\"");
        assertThat(answers.substring(answers.lastIndexOf("HTTP/1.1 ")).toLowerCase())
                .contains("connection: close");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void behindASlowForwardedRequestToo() {
        String token = tokens.issue("alice", "orders:read");
        String answers = exchange(request("/orders/1", "Authorization: Bearer " + token + "\r\n")
                + request("/orders/2", "Authorization: Bearer " + token + "\r\nConnection: keep-alive, close\r\n"));

        assertThat(statuses(answers)).containsExactly(200, 200);
        assertThat(upstream.requestIds()).hasSize(2);
    }

    @Test
    void requestsAfterTheCloseRequestAreNeitherAnsweredNorForwarded() {
        String answers = exchange(request("/public/one", "")
                + request("/public/two", "Connection: close\r\n")
                + request("/public/three", ""));

        assertThat(statuses(answers)).containsExactly(200, 200);
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(answers).doesNotContain("/public/three");
    }

    @Test
    void aCloseRequestThatIsNotPipelinedIsAnsweredAndClosedAsBefore() {
        String answers = exchange(request("/public/only", "Connection: close\r\n"));

        assertThat(statuses(answers)).containsExactly(200);
        assertThat(answers.toLowerCase()).contains("connection: close");
    }

    /** The client port as the connections of this class reach it. */
    RawHttpClient client() {
        return new RawHttpClient(port);
    }

    /** Writes all requests at once and reads until the gateway closes the connection. */
    private String exchange(String requests) {
        byte[] raw = client().sendAndReadAll(requests.getBytes(StandardCharsets.ISO_8859_1));
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    private static String request(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
    }

    private static List<Integer> statuses(String answers) {
        Matcher matcher = STATUS_LINE.matcher(answers);
        List<Integer> statuses = new ArrayList<>();
        while (matcher.find()) {
            statuses.add(Integer.parseInt(matcher.group(1)));
        }
        return statuses;
    }
}
