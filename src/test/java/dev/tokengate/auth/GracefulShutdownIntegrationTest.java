package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.LingeringRequest;
import dev.tokengate.support.TestRedis;
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
        GatewayInstance gateway = GatewayInstance.start(TestRedis.shared());
        int port = gateway.port();
        LingeringRequest inFlight = LingeringRequest.sendTo(port);

        long shutdownStarted = System.nanoTime();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(gateway::close);

        LingeringRequest.awaitConnectionsRefused(port);
        inFlight.assertFinished();
        shutdown.get();
        assertThat(Duration.ofNanos(System.nanoTime() - shutdownStarted)).isLessThan(Duration.ofSeconds(20));
    }
}
