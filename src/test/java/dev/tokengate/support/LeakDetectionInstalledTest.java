package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The suite only proves the absence of buffer leaks if Netty tracks every buffer and the reports reach
 * {@link NoBufferLeaks}: this fails if the JVM flags in the pom stop taking effect.
 */
class LeakDetectionInstalledTest {

    @Test
    void anUnreleasedBufferIsReported() {
        leakOneBuffer();
        assertThat(RecordingLeakDetector.isInstalled()).isTrue();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(RecordingLeakDetector.takeReports())
                        .anySatisfy(report -> assertThat(report).contains("leakOneBuffer")));
    }

    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.buffer(16).writeInt(42);
    }
}
