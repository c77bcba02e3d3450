package dev.tokengate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** {@code --help} and {@code --version} print and return; the gateway does not start (no Redis is needed here). */
@ExtendWith(OutputCaptureExtension.class)
class CommandLineOptionsTest {

    @Test
    void versionPrintsTheBuildsVersionAndWhatItRunsOnThenReturnsWithoutStarting(CapturedOutput output) {
        TokengateApplication.main(new String[] {"--version"});

        // a line of its own: gateways of other test classes, still running in this JVM, may log meanwhile
        assertThat(output.getOut())
                .containsPattern("(?m)^tokengate 0\\.")
                .contains("Spring Boot 4.")
                .contains("Spring Cloud Gateway 5.")
                .contains("Java ")
                .doesNotContain("Started TokengateApplication")
                .doesNotContain("(development build)");
    }

    @Test
    void helpPrintsUsageAndTheOptionsThenReturnsWithoutStarting(CapturedOutput output) {
        TokengateApplication.main(new String[] {"--help"});

        assertThat(output.getOut())
                .contains("Usage: java -jar tokengate.jar [--name=value ...]")
                .contains("--version")
                .contains("TOKENGATE_AUTH_REDIS_TIMEOUT")
                .doesNotContain("Started TokengateApplication");
    }

    @Test
    void settingsAreNotOptions() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        boolean answered = CommandLineOptions.answered(
                new String[] {"--server.port=0", "--tokengate.auth.redis-timeout=1s"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(answered).isFalse();
        assertThat(printed.size()).isZero();
    }
}
