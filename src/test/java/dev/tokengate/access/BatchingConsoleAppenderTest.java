package dev.tokengate.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class BatchingConsoleAppenderTest {

    // The application's context, which has the MDC adapter events read; the appender is attached to no logger.
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final String run = UUID.randomUUID().toString();

    @Test
    void writesEveryQueuedLineInOrderWithinItsMaximumDelay(CapturedOutput output) {
        BatchingConsoleAppender appender = started(8192, 50);

        for (int i = 1; i <= 3; i++) {
            appender.doAppend(event("line " + i));
        }

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .containsSubsequence(run + " line 1\n", run + " line 2\n", run + " line 3\n"));
        appender.stop();
    }

    @Test
    void writesWhatIsQueuedWhenStopped(CapturedOutput output) {
        BatchingConsoleAppender appender = started(8192, 600_000);
        appender.doAppend(event("last words"));
        assertThat(output.getOut()).doesNotContain(run);

        appender.stop();

        assertThat(output.getOut()).contains(run + " last words\n");
    }

    @Test
    void dropsLinesBeyondItsQueueRatherThanWaiting(CapturedOutput output) {
        // A queue of one is never half full, so nothing wakes the writer before it is stopped and the queue cannot
        // drain.
        BatchingConsoleAppender appender = started(1, 600_000);

        for (int i = 1; i <= 5; i++) {
            appender.doAppend(event("line " + i));
        }
        appender.stop();

        assertThat(output.getOut()).contains(run + " line 1\n");
        assertThat(output.getOut()).doesNotContain(run + " line 2", run + " line 3", run + " line 4", run + " line 5");
    }

    @Test
    void aQueueHalfFullWakesTheWriterBeforeItsMaximumDelay(CapturedOutput output) {
        BatchingConsoleAppender appender = started(4, 600_000);

        appender.doAppend(event("line 1"));
        appender.doAppend(event("line 2"));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(output.getOut()).containsSubsequence(run + " line 1\n", run + " line 2\n"));
        appender.stop();
    }

    private BatchingConsoleAppender started(int queueSize, int maxDelayMillis) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder);
        appender.setQueueSize(queueSize);
        appender.setMaxDelayMillis(maxDelayMillis);
        appender.start();
        return appender;
    }

    private LoggingEvent event(String message) {
        return new LoggingEvent(
                getClass().getName(), context.getLogger("test"), Level.INFO, run + " " + message, null, null);
    }
}
