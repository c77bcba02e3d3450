package dev.tokengate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.FreePort;
import dev.tokengate.support.GatewayProcess;
import dev.tokengate.support.LingeringRequest;
import dev.tokengate.support.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gateway as a process of its own, sent SIGTERM (what Kubernetes sends): it stops accepting connections, a request
 * in flight still gets its answer, and the process exits by itself, cleanly, whether or not Redis was there.
 */
class SigtermShutdownTest {

    private static final Duration EXIT_BOUND = Duration.ofSeconds(30);

    @Test
    void sigtermLetsTheRequestInFlightFinishThenTheProcessExits() throws Exception {
        TestRedis redis = TestRedis.shared();
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.redisAt(redis.host(), redis.port()))) {
            LingeringRequest inFlight = LingeringRequest.sendTo(gateway.port());

            gateway.terminate();

            LingeringRequest.awaitConnectionsRefused(gateway.port());
            inFlight.assertFinished();
            assertExitedCleanly(gateway);
            assertThat(gateway.output()).contains("Graceful shutdown complete");
        }
    }

    /** Lettuce's reconnect and handshake timers must not outlive its event loops into stack traces. */
    @Test
    void withoutRedisTheProcessStillExitsWithoutAStackTrace() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(GatewayProcess.redisAt(TestRedis.HOST, FreePort.find()))) {
            await().atMost(EXIT_BOUND).until(() -> gateway.output().contains("does not answer: connection refused"));
            gateway.terminate();

            assertExitedCleanly(gateway);
            assertThat(gateway.output())
                    .contains("does not answer: connection refused")
                    .doesNotContain("RejectedExecutionException")
                    .doesNotContain("\tat ");
        }
    }

    private static void assertExitedCleanly(GatewayProcess gateway) throws InterruptedException {
        assertThat(gateway.awaitExit(EXIT_BOUND))
                .as("exited by itself; its log: %s", gateway.output())
                .isTrue();
        // 143 = 128 + SIGTERM: the JVM's exit status after running its shutdown hooks on the signal.
        assertThat(gateway.exitValue()).isIn(0, 143);
    }
}
