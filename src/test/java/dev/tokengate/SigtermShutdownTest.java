package dev.tokengate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.FreePort;
import dev.tokengate.support.LingeringRequest;
import dev.tokengate.support.MisbehavingUpstream;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway as a process of its own, sent SIGTERM (what Kubernetes sends) while a request is in flight: it stops
 * accepting connections, the request still gets its answer, and the process exits by itself, cleanly.
 */
class SigtermShutdownTest {

    @Test
    void sigtermLetsTheRequestInFlightFinishThenTheProcessExits() throws Exception {
        TestRedis redis = TestRedis.shared();
        MisbehavingUpstream upstream = MisbehavingUpstream.shared();
        int port = FreePort.find();
        Path log = Files.createTempFile("tokengate-sigterm", ".log");
        Process gateway = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TokengateApplication.class.getName(),
                        "--spring.profiles.active=test",
                        "--server.port=" + port,
                        "--spring.data.redis.host=" + redis.host(),
                        "--spring.data.redis.port=" + redis.port(),
                        "--test.upstream.url=" + RecordingUpstream.shared().url(),
                        "--test.upstream.ws-url="
                                + RecordingUpstream.shared().url().replace("http:", "ws:"),
                        "--test.misbehaving.url=" + upstream.url(),
                        "--test.unreachable.url=http://" + TestRedis.HOST + ":" + FreePort.find()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                LingeringRequest.connect(port);
                return true;
            });
            LingeringRequest inFlight = LingeringRequest.sendTo(port);

            gateway.destroy(); // SIGTERM

            LingeringRequest.awaitConnectionsRefused(port);
            inFlight.assertFinished();
            assertThat(gateway.waitFor(30, TimeUnit.SECONDS))
                    .as("exited by itself; its log: %s", log)
                    .isTrue();
            // 143 = 128 + SIGTERM: the JVM's exit status after running its shutdown hooks on the signal.
            assertThat(gateway.exitValue()).isIn(0, 143);
            assertThat(Files.readString(log)).contains("Graceful shutdown complete");
        } finally {
            gateway.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
