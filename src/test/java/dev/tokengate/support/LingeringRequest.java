package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request in flight for shutdown tests: {@code GET /linger/1} through the gateway, which {@link MisbehavingUpstream}
 * answers only after {@link MisbehavingUpstream#LINGER}.
 */
public final class LingeringRequest {

    private final CompletableFuture<HttpResponse<String>> answer;

    private LingeringRequest(CompletableFuture<HttpResponse<String>> answer) {
        this.answer = answer;
    }

    /** Sends the request to the gateway on {@code port} and returns once the upstream holds it. */
    public static LingeringRequest sendTo(int port) {
        MisbehavingUpstream upstream = MisbehavingUpstream.shared();
        int lingeringBefore = upstream.lingeringRequests();
        CompletableFuture<HttpResponse<String>> answer = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://" + TestRedis.HOST + ":" + port + "/linger/1"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.lingeringRequests() > lingeringBefore);
        return new LingeringRequest(answer);
    }

    /** The request got the upstream's whole answer. */
    public void assertFinished() throws Exception {
        HttpResponse<String> finished = answer.get(30, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("finished");
    }

    /** Waits, no longer than the request lingers, until {@code port} refuses new connections. */
    public static void awaitConnectionsRefused(int port) {
        await().atMost(MisbehavingUpstream.LINGER)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class));
    }

    /** Opens a connection to {@code port} and writes a byte; throws if nothing accepts it. */
    public static void connect(int port) throws IOException {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.getOutputStream().write(1);
        }
    }
}
