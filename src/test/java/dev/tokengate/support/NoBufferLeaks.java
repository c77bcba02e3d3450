package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a buffer leak while it ran (or, since leaks surface at garbage collection,
 * shortly before). Registered for every test class through {@code META-INF/services} and
 * {@code junit-platform.properties}.
 */
public class NoBufferLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        assertThat(RecordingLeakDetector.takeReports())
                .as("Netty buffer leak reports (paranoid detection)")
                .isEmpty();
    }
}
