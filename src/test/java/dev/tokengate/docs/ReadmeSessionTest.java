package dev.tokengate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.token.TokenHashing;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's session with the dev run, run as written against a gateway started as {@code spring-boot:test-run}
 * starts it (demo routes, demo admin token): the blocks marked {@code <!-- session -->}, in order, in one bash, with
 * only the dev run's ports replaced by this gateway's. Every {@code # → text} comment is checked: the command's
 * output must contain the text. A status check after a revocation may be repeated for up to a second, the bound
 * only a broken invalidation exceeds (the benchmark measures the real latency).
 */
class ReadmeSessionTest {

    private static final Pattern EXPECTATION = Pattern.compile("\\s+# → (.+)$");
    private static final Pattern HEREDOC = Pattern.compile("<<'?(\\w+)'?\\s*$");

    private static TestRedis redis;
    private static GatewayInstance gateway;

    /** A Redis of its own, empty as the dev run's: the session's report walks every token key there is. */
    @BeforeAll
    static void startLikeTheDevRun() {
        redis = TestRedis.startNew();
        gateway = GatewayInstance.startWithProfiles(
                List.of("test", "demo"),
                "spring.data.redis.host=" + redis.host(),
                "spring.data.redis.port=" + redis.port(),
                "demo.upstream.url=" + RecordingUpstream.shared().url(),
                "tokengate.admin.token-sha256=" + TokenHashing.sha256Hex("tokengate-demo-admin"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        redis.stop();
    }

    @Test
    void theSessionRunsAsWrittenAndAnswersAsItSays(@TempDir Path directory) throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "the README's session needs curl, which is not installed here");
        List<ReadmeBlocks.Block> session =
                ReadmeBlocks.of(Path.of("docs/operations.md")).session();
        assertThat(session).hasSizeGreaterThanOrEqualTo(2);

        StringBuilder script = new StringBuilder(PRELUDE);
        for (ReadmeBlocks.Block block : session) {
            script.append(checked(forThisGateway(block.text())));
        }
        Files.writeString(directory.resolve("session.sh"), script);

        ProcessBuilder bash = new ProcessBuilder("bash", "session.sh")
                .directory(directory.toFile())
                .redirectErrorStream(true);
        if (!onPath("redis-cli")) {
            Path bin = Files.createDirectories(directory.resolve("bin"));
            Path standIn = bin.resolve("redis-cli");
            Files.copy(Path.of("src/test/resources/docs/redis-cli"), standIn);
            Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
            bash.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        }
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("EXPECTATION FAILED");
        assertThat(Files.readString(directory.resolve("tokengate-admin-openapi.json")))
                .contains("\"openapi\"");
    }

    @Test
    void anUnmetExpectationFailsTheSession(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("s.sh"), PRELUDE + checked("echo 200   # → 401\n"));

        Process process = new ProcessBuilder("bash", "s.sh")
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("EXPECTATION FAILED: [401]");
    }

    /** Runs a command and checks its output; only a status check ({@code -w '%{http_code}'} GET) is repeated. */
    private static final String PRELUDE = """
            set -euo pipefail
            __expect() {
              local expected=$1 command out tries=0
              command=$(cat)
              out=$(eval "$command" 2>&1)
              while [[ $out != *"$expected"* && $command == curl*http_code* && $command != *" -X "* && $tries -lt 20 ]]; do
                sleep 0.05
                out=$(eval "$command" 2>&1)
                tries=$((tries + 1))
              done
              printf '%s\\n' "$out"
              if [[ $out != *"$expected"* ]]; then
                echo "EXPECTATION FAILED: [$expected] not in the output of: $command"
                exit 1
              fi
            }
            """;

    private String forThisGateway(String text) {
        return text.replace("localhost:8080", "localhost:" + gateway.port())
                .replace("localhost:8081", "localhost:" + gateway.managementPort())
                .replace("redis-cli -p 16379", "redis-cli -p " + redis.port());
    }

    /** The block with each command that carries a {@code # →} comment wrapped in {@code __expect}. */
    static String checked(String block) {
        List<String> lines = block.lines().toList();
        StringBuilder out = new StringBuilder();
        List<String> command = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            command.add(lines.get(i));
            Matcher heredoc = HEREDOC.matcher(lines.get(i));
            if (heredoc.find()) {
                String end = heredoc.group(1);
                while (!lines.get(++i).equals(end)) {
                    command.add(lines.get(i));
                }
                command.add(lines.get(i));
            }
            if (lines.get(i).endsWith("\\")) {
                continue;
            }
            Matcher expectation = EXPECTATION.matcher(lines.get(i));
            if (expectation.find()) {
                String last = lines.get(i).substring(0, expectation.start());
                command.set(command.size() - 1, last);
                out.append("__expect '")
                        .append(expectation.group(1).strip().replace("'", "'\\''"))
                        .append("' <<'__COMMAND'\n")
                        .append(String.join("\n", command))
                        .append("\n__COMMAND\n");
            } else {
                out.append(String.join("\n", command)).append('\n');
            }
            command.clear();
        }
        return out.toString();
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(directory -> Files.isExecutable(Path.of(directory, program)));
    }
}
