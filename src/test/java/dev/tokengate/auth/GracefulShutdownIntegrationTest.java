package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.MisbehavingUpstream;
import dev.tokengate.support.TestRedis;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What SIGTERM does (Spring Boot runs the same shutdown for it): the gateway stops accepting connections at once,
 * finishes the requests in flight within {@code spring.lifecycle.timeout-per-shutdown-phase}, then stops.
 */
class GracefulShutdownIntegrationTest {

    @Test
    void requestInFlightFinishesWhileNewConnectionsAreRefused() throws Exception {
        MisbehavingUpstream upstream = MisbehavingUpstream.shared();
        GatewayInstance gateway = GatewayInstance.start(TestRedis.shared());
        int port = gateway.port();
        int lingeringBefore = upstream.lingeringRequests();
        CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://" + TestRedis.HOST + ":" + port + "/linger/1"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.lingeringRequests() > lingeringBefore);

        long shutdownStarted = System.nanoTime();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(gateway::close);

        await().atMost(MisbehavingUpstream.LINGER)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThatThrownBy(() -> connect(port)).isInstanceOf(IOException.class));
        HttpResponse<String> answer = inFlight.get();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("finished");
        shutdown.get();
        assertThat(Duration.ofNanos(System.nanoTime() - shutdownStarted)).isLessThan(Duration.ofSeconds(20));
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.getOutputStream().write(1);
        }
    }
}
