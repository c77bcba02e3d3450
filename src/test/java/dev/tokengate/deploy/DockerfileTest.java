package dev.tokengate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.FreePort;
import dev.tokengate.support.GatewayIntegrationTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Dockerfile, read for the rules of a hardened image (no Docker engine runs here to build it, and no hadolint is
 * packaged): bases pinned by digest, a layered jar, a numeric non-root user matching the manifests, the JVM options the
 * manifests size memory for, both ports, and a HEALTHCHECK that is run here against a real gateway.
 */
class DockerfileTest extends GatewayIntegrationTest {

    private static final Pattern PINNED = Pattern.compile("[\\w./-]+:[\\w.-]+@sha256:[0-9a-f]{64}( AS \\w+)?");

    @Test
    void everyBaseImageIsPinnedByDigestAndSaysHowToUpdateIt() throws IOException {
        List<Instruction> instructions = Instruction.parse(Files.readString(Path.of("Dockerfile")));
        List<String> bases = arguments(instructions, "FROM");

        assertThat(bases)
                .hasSizeGreaterThanOrEqualTo(2)
                .allMatch(base -> PINNED.matcher(base).matches(), "pinned");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("docker buildx imagetools inspect");
        assertThat(instructions).noneMatch(instruction -> instruction.keyword().equals("ADD"));
    }

    @Test
    void runsAsTheNumericNonRootUserTheManifestsRequire() throws IOException {
        List<Instruction> runtime = finalStage();
        String user = arguments(runtime, "USER").get(0);

        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        long uid = Long.parseLong(user.substring(0, user.indexOf(':')));
        assertThat(deployment()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getRunAsUser())
                .isEqualTo(uid);
        assertThat(runtime.get(runtime.size() - 1).keyword()).isEqualTo("ENTRYPOINT");
        assertThat(runtime.indexOf(instruction(runtime, "USER")))
                .as("nothing runs as root after USER")
                .isGreaterThan(lastIndex(runtime, "RUN"));
    }

    @Test
    void shipsTheJarInLayersWithTheApplicationLast() throws IOException {
        List<Instruction> instructions = Instruction.parse(Files.readString(Path.of("Dockerfile")));
        List<String> copies = arguments(finalStage(), "COPY").stream()
                .filter(copy -> copy.startsWith("--from="))
                .toList();

        assertThat(String.join("\n", arguments(instructions, "RUN"))).contains("-Djarmode=tools", "extract --layers");
        assertThat(copies).hasSizeGreaterThanOrEqualTo(3).last().asString().contains("/application/");
    }

    @Test
    void jvmOptionsAreTheOnesTheManifestsSizeMemoryFor() throws IOException {
        List<Instruction> runtime = finalStage();
        String options = arguments(runtime, "ENV").stream()
                .filter(env -> env.startsWith("JDK_JAVA_OPTIONS="))
                .map(env -> env.substring("JDK_JAVA_OPTIONS=".length()).replace("\"", ""))
                .findFirst()
                .orElseThrow();
        Map<String, Object> chartValues =
                new Yaml().load(Files.readString(Path.of("deploy/helm/tokengate/values.yaml")));

        assertThat(options)
                .contains("-XX:MaxRAMPercentage=", "-XX:MaxDirectMemorySize=", "-XX:+ExitOnOutOfMemoryError");
        assertThat(GatewayManifestRules.env(
                        deployment()
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0),
                        "JDK_JAVA_OPTIONS"))
                .contains(options);
        assertThat(chartValues).containsEntry("jvmOptions", options);
        assertThat(runtime.indexOf(instruction(runtime, "ENV")))
                .as("the AOT cache is trained with the same options")
                .isLessThan(lastIndex(runtime, "RUN"));
        assertThat(arguments(runtime, "RUN").get(arguments(runtime, "RUN").size() - 1))
                .contains("-XX:AOTCacheOutput=/app/tokengate.aot");
        assertThat(arguments(runtime, "ENTRYPOINT").get(0)).contains("\"-XX:AOTCache=/app/tokengate.aot\"");
    }

    @Test
    void exposesBothPortsAndItsHealthcheckAsksTheReadinessProbe() throws Exception {
        List<Instruction> runtime = finalStage();
        assertThat(arguments(runtime, "EXPOSE").get(0).split(" ")).contains("8080", "8081");

        List<String> healthcheck = healthcheckCommand(runtime);
        assertThat(String.join(" ", healthcheck)).contains("/actuator/health/readiness", "/127.0.0.1/8081");

        assertThat(run(healthcheck, managementPort))
                .as("healthy against a ready gateway")
                .isZero();
        assertThat(run(healthcheck, FreePort.find()))
                .as("unhealthy when nothing answers")
                .isNotZero();
        assertThat(run(healthcheck, port))
                .as("unhealthy when the answer is not 200")
                .isNotZero();
    }

    private static List<String> healthcheckCommand(List<Instruction> runtime) throws IOException {
        String healthcheck = arguments(runtime, "HEALTHCHECK").get(0);
        String exec = healthcheck.substring(healthcheck.indexOf("CMD ") + "CMD ".length());
        List<String> command = new ArrayList<>();
        for (Object part : JsonMapper.builder().build().readValue(exec, List.class)) {
            command.add((String) part);
        }
        return command;
    }

    private static int run(List<String> healthcheck, int port) throws Exception {
        List<String> command = healthcheck.stream()
                .map(part -> part.replace("/127.0.0.1/8081", "/127.0.0.1/" + port))
                .toList();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS))
                .as("healthcheck finished")
                .isTrue();
        return process.exitValue();
    }

    private static Deployment deployment() throws IOException {
        List<HasMetadata> objects =
                KubernetesObjects.read(Files.readString(Path.of("deploy/kubernetes/deployment.yaml")));
        return KubernetesObjects.one(objects, Deployment.class);
    }

    private static List<Instruction> finalStage() throws IOException {
        List<Instruction> instructions = Instruction.parse(Files.readString(Path.of("Dockerfile")));
        int lastFrom = lastIndex(instructions, "FROM");
        return instructions.subList(lastFrom, instructions.size());
    }

    private static List<String> arguments(List<Instruction> instructions, String keyword) {
        return instructions.stream()
                .filter(instruction -> instruction.keyword().equals(keyword))
                .map(Instruction::arguments)
                .toList();
    }

    private static Instruction instruction(List<Instruction> instructions, String keyword) {
        return instructions.stream()
                .filter(instruction -> instruction.keyword().equals(keyword))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + keyword));
    }

    private static int lastIndex(List<Instruction> instructions, String keyword) {
        for (int i = instructions.size() - 1; i >= 0; i--) {
            if (instructions.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword);
    }

    /** One Dockerfile instruction, its continuation lines joined and comments left out. */
    record Instruction(String keyword, String arguments) {

        static List<Instruction> parse(String dockerfile) {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : dockerfile.split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                    continue;
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                    continue;
                }
                current.append(trimmed);
                String text = current.toString().strip();
                current.setLength(0);
                if (!text.isEmpty()) {
                    int space = text.indexOf(' ');
                    instructions.add(new Instruction(
                            text.substring(0, space), text.substring(space + 1).strip()));
                }
            }
            return instructions;
        }
    }
}
