package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** One log line per change of state, however many callers meet the same outage. */
@ExtendWith(OutputCaptureExtension.class)
class RedisStatusTest {

    private final RedisStatus status =
            new RedisStatus(new RedisAddress("standalone", "10.0.0.5:6379", "Redis at 10.0.0.5:6379"));

    @Test
    void anOutageIsLoggedOnceThenOnlyWhenAConnectAttemptFindsAnotherCauseThenWhenItEnds(CapturedOutput output) {
        status.failed(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"));
        status.failed(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"));
        status.failed(new RedisException("Currently not connected. Commands are rejected."));
        status.failed(new RedisException("Connection closed prematurely"), "Redis node 10.0.0.5:6379");
        assertThat(lines(output, "does not answer")).isEqualTo(1);

        status.failed(new ConnectException("Connection refused"), "Redis node 10.0.0.5:6379");
        status.failed(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"));
        status.failed(new ConnectException("Connection refused"));
        assertThat(lines(output, "does not answer")).isEqualTo(2);
        assertThat(output.getOut()).contains("Redis node 10.0.0.5:6379 does not answer: connection refused");
        assertThat(status.details()).extractingByKey("lastError").asString().contains("cause=refused");
        assertThat(status.isAnswering()).isFalse();

        status.answered(Duration.ofMillis(2));
        status.answered(Duration.ofMillis(1));
        assertThat(lines(output, "Redis at 10.0.0.5:6379 answers again")).isEqualTo(1);
        assertThat(status.isAnswering()).isTrue();
        assertThat(status.details())
                .containsEntry("mode", "standalone")
                .containsEntry("address", "10.0.0.5:6379")
                .containsEntry("lastPingMillis", 1.0);

        status.failed(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"));
        assertThat(lines(output, "does not answer: no answer in time")).isEqualTo(2);
    }

    @Test
    void theConnectionNotOpenedYetIsNotACause(CapturedOutput output) {
        status.failed(new SharedRedisConnection.NotOpenException());

        assertThat(status.isAnswering()).isTrue();
        assertThat(output.getOut()).doesNotContain("does not answer");
    }

    private static long lines(CapturedOutput output, String text) {
        return output.getOut().lines().filter(line -> line.contains(text)).count();
    }
}
