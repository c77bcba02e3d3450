package dev.tokengate.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Real nginx with deploy/examples/nginx/tokengate.conf in front of a gateway on a Redis of its own: runs
 * deploy/examples/nginx/check.sh, the script users and the benchmark run. Skipped, saying so, where nginx is not
 * installed (Debian: apt-get install nginx-light).
 */
class NginxAuthRequestIntegrationTest {

    private static final Path SCRIPT = Path.of("deploy/examples/nginx/check.sh");

    @Test
    void nginxInFrontOfTokengateAllowsDeniesAndRevokes() throws Exception {
        boolean installed = onPath("nginx") && onPath("curl") && onPath("sha256sum");
        if (!installed) {
            System.out.println("NginxAuthRequestIntegrationTest skipped: nginx, curl or sha256sum is not installed"
                    + " (Debian: apt-get install nginx-light curl)");
        }
        assumeTrue(installed, "nginx, curl or sha256sum is not installed (Debian: apt-get install nginx-light curl)");

        TestRedis redis = TestRedis.startNew();
        try (GatewayInstance gateway =
                GatewayInstance.start(redis, "spring.config.import=file:deploy/examples/policies.yml")) {
            ProcessBuilder check = new ProcessBuilder(
                            "bash", SCRIPT.toString(), Integer.toString(gateway.port()), Integer.toString(redis.port()))
                    .redirectErrorStream(true);
            // the script's 50 ms is what a healthy gateway does; here the bound only a broken invalidation exceeds
            check.environment().put("REVOCATION_BOUND_MS", Long.toString(RefusalTimer.BOUND.toMillis()));
            Process running = check.start();
            boolean finished = running.waitFor(90, TimeUnit.SECONDS);
            String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(finished).as("check.sh finished").isTrue();
            assertThat(running.exitValue()).as(output).isZero();
            assertThat(output).contains("all nginx checks passed").doesNotContain("FAIL");
        } finally {
            redis.stop();
        }
    }

    private static boolean onPath(String command) throws IOException {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        try (Stream<String> directories = Stream.of(path.split(":"))) {
            return directories
                    .filter(directory -> !directory.isEmpty())
                    .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
        }
    }
}
