package dev.tokengate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.auth.ClientAddressProperties;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests under {@code deploy/kubernetes} parse, hang together, and say what the gateway needs: probes on the
 * actuator, a grace period longer than the shutdown timeout, environment variables that bind to real properties.
 */
class KubernetesManifestsTest {

    private static final Path DIRECTORY = Path.of("deploy/kubernetes");

    @Test
    void everyManifestIsValidYamlWithKindAndName() throws IOException {
        List<Path> files = manifestFiles();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            List<Map<String, Object>> documents = documents(file);
            assertThat(documents).as(file.toString()).isNotEmpty();
            for (Map<String, Object> document : documents) {
                assertThat(document).as(file.toString()).containsKeys("apiVersion", "kind");
                if (!"Kustomization".equals(document.get("kind"))) {
                    assertThat(map(document, "metadata")).as(file.toString()).containsKey("name");
                }
            }
        }
    }

    @Test
    void kustomizationListsEveryManifestButTheRedisReference() throws IOException {
        List<String> resources = list(single("kustomization.yaml"), "resources");

        assertThat(resources)
                .containsExactlyInAnyOrderElementsOf(manifestFiles().stream()
                        .map(file -> file.getFileName().toString())
                        .filter(name -> !name.equals("kustomization.yaml") && !name.equals("redis-sentinel.yaml"))
                        .toList());
    }

    @Test
    void deploymentProbesTheActuatorAndOutlastsTheShutdownTimeout() throws IOException {
        Map<String, Object> pod = map(map(single("deployment.yaml"), "spec", "template"), "spec");
        Map<String, Object> container = containers(pod).get(0);

        assertThat(port(container, "management")).isEqualTo(8081);
        assertThat(port(container, "http")).isEqualTo(8080);
        assertThat(map(container, "readinessProbe", "httpGet"))
                .containsEntry("path", "/actuator/health/readiness")
                .containsEntry("port", "management");
        assertThat(map(container, "livenessProbe", "httpGet"))
                .containsEntry("path", "/actuator/health/liveness")
                .containsEntry("port", "management");
        assertThat(map(container, "resources", "requests")).containsKeys("cpu", "memory");

        Duration shutdown = Duration.parse("PT" + applicationProperty("spring.lifecycle.timeout-per-shutdown-phase"));
        int preStop = (Integer) map(container, "lifecycle", "preStop", "sleep").get("seconds");
        int grace = (Integer) pod.get("terminationGracePeriodSeconds");
        assertThat(applicationProperty("server.shutdown")).isEqualTo("graceful");
        assertThat(grace).isGreaterThan(preStop + (int) shutdown.toSeconds());
    }

    @Test
    void deploymentEnvironmentBindsToTheIntendedProperties() throws IOException {
        Map<String, Object> container = containers(map(map(single("deployment.yaml"), "spec", "template"), "spec"))
                .get(0);
        List<Map<String, Object>> variables = list(container, "env");
        Map<String, Object> env = new HashMap<>();
        for (Map<String, Object> variable : variables) {
            env.put((String) variable.get("name"), variable.getOrDefault("value", "from-secret"));
        }
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("env", env));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));

        assertThat(binder.bind("management.server.address", String.class).get()).isEqualTo("0.0.0.0");
        assertThat(binder.bind("spring.config.additional-location", String.class)
                        .get())
                .isEqualTo("optional:file:/config/");
        assertThat(binder.bind("spring.data.redis.sentinel.master", String.class)
                        .get())
                .isEqualTo("mymaster");
        assertThat(binder.bind("spring.data.redis.sentinel.nodes", String.class).isBound())
                .isTrue();
        assertThat(binder.bind("tokengate.admin.token-sha256", String.class).isBound())
                .isTrue();
    }

    @Test
    void routesConfigMapIsAGatewayConfigurationThatBinds() throws IOException {
        String applicationYml =
                (String) map(single("configmap-routes.yaml"), "data").get("application.yml");
        List<PropertySource<?>> loaded = new YamlPropertySourceLoader()
                .load("routes", new ByteArrayResource(applicationYml.getBytes(StandardCharsets.UTF_8)));
        Binder binder = new Binder(ConfigurationPropertySources.from(loaded));

        ClientAddressProperties addresses =
                binder.bindOrCreate(ClientAddressProperties.PREFIX, ClientAddressProperties.class);
        assertThat(addresses.trustedProxies()).isEqualTo(1);
        assertThat(binder.bind("spring.cloud.gateway.server.webflux.routes[0].id", String.class)
                        .get())
                .isEqualTo("orders");
        assertThat(binder.bind("spring.cloud.gateway.server.webflux.routes[1].metadata.auth", String.class)
                        .get())
                .isEqualTo("none");
    }

    @Test
    void serviceExposesClientTrafficOnlyAndTheBudgetsLeaveRoomForRollouts() throws IOException {
        List<Map<String, Object>> ports = list(map(single("service.yaml"), "spec"), "ports");
        assertThat(ports).extracting(port -> port.get("targetPort")).containsExactly("http");

        int replicas = (Integer) map(single("deployment.yaml"), "spec").get("replicas");
        int minAvailable = (Integer) map(single("pdb.yaml"), "spec").get("minAvailable");
        int minReplicas = (Integer) map(single("hpa.yaml"), "spec").get("minReplicas");
        assertThat(minAvailable).isLessThan(Math.min(replicas, minReplicas));
    }

    private static String applicationProperty(String name) throws IOException {
        List<PropertySource<?>> sources =
                new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"));
        return new Binder(ConfigurationPropertySources.from(sources))
                .bind(name, String.class)
                .get();
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add((Map<String, Object>) document);
                }
            }
        }
        return documents;
    }

    private static Map<String, Object> single(String file) throws IOException {
        List<Map<String, Object>> documents = documents(DIRECTORY.resolve(file));
        assertThat(documents).as(file).hasSize(1);
        return documents.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Map<String, Object> current = from;
        for (String key : path) {
            assertThat(current).containsKey(key);
            current = (Map<String, Object>) current.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<String, Object> from, String key) {
        assertThat(from).containsKey(key);
        return (List<T>) from.get(key);
    }

    private static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        return list(podSpec, "containers");
    }

    private static int port(Map<String, Object> container, String name) {
        List<Map<String, Object>> ports = list(container, "ports");
        return ports.stream()
                .filter(port -> name.equals(port.get("name")))
                .map(port -> (Integer) port.get("containerPort"))
                .findFirst()
                .orElseThrow();
    }
}
