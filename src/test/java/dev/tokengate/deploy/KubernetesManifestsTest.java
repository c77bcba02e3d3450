package dev.tokengate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.clientaddress.ClientAddressProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests under {@code deploy/kubernetes} bind strictly to the Kubernetes API, pass Pod Security "restricted"
 * and the rules a platform team needs ({@link GatewayManifestRules}), and say what the gateway needs: environment
 * variables that bind to real properties, a routes file that binds.
 */
class KubernetesManifestsTest {

    private static final Path DIRECTORY = Path.of("deploy/kubernetes");

    /** Applied by hand, not by kustomization.yaml: they need CRDs, real values or another namespace. */
    private static final List<String> OPTIONAL =
            List.of("redis-sentinel.yaml", "secrets-example.yaml", "servicemonitor.yaml");

    @Test
    void everyManifestBindsStrictlyToTheKubernetesApi() throws IOException {
        for (Path file : manifestFiles()) {
            if (!file.endsWith("kustomization.yaml")) {
                assertThat(KubernetesObjects.read(Files.readString(file)))
                        .as(file.toString())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void aFieldTheApiDoesNotHaveFails() {
        String misspelled = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  containers:
                    - name: c
                      image: i
                      securityContext:
                        readOnlyRootFileSystem: true
                """;

        assertThatThrownBy(() -> KubernetesObjects.read(misspelled)).hasMessageContaining("readOnlyRootFileSystem");
        assertThatThrownBy(() ->
                        KubernetesObjects.read("apiVersion: example.com/v1\nkind: Unknown\nmetadata: {name: x}\n"))
                .hasMessageContaining("not a known Kubernetes kind");
    }

    @Test
    void appliedObjectsAreProductionReady() throws IOException {
        List<HasMetadata> applied = applied();

        GatewayManifestRules.assertProductionReady(applied, shutdownTimeout());

        List<HasMetadata> withServiceMonitor = new ArrayList<>(applied);
        withServiceMonitor.addAll(read("servicemonitor.yaml"));
        GatewayManifestRules.assertProductionReady(withServiceMonitor, shutdownTimeout());
    }

    @Test
    void theNamespaceEnforcesRestrictedAndTheSecretsExampleMatchesWhatTheDeploymentReads() throws IOException {
        Namespace namespace = KubernetesObjects.one(read("namespace.yaml"), Namespace.class);
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");

        List<Secret> secrets = KubernetesObjects.all(read("secrets-example.yaml"), Secret.class);
        for (EnvVar variable : gateway().getEnv()) {
            if (variable.getValueFrom() != null) {
                SecretKeySelector reference = variable.getValueFrom().getSecretKeyRef();
                assertThat(secrets).as(variable.getName()).anySatisfy(secret -> {
                    assertThat(secret.getMetadata().getName()).isEqualTo(reference.getName());
                    assertThat(secret.getStringData()).containsKey(reference.getKey());
                });
            }
        }
    }

    @Test
    void podSecurityCheckRejectsWhatAdmissionWould() {
        PodSpec loose =
                KubernetesObjects.one(KubernetesObjects.read("""
                                apiVersion: v1
                                kind: Pod
                                metadata:
                                  name: p
                                spec:
                                  hostNetwork: true
                                  volumes:
                                    - name: host
                                      hostPath:
                                        path: /
                                  containers:
                                    - name: c
                                      image: i
                                      ports:
                                        - containerPort: 80
                                          hostPort: 80
                                      securityContext:
                                        runAsUser: 0
                                        capabilities:
                                          add: [NET_ADMIN]
                                """), Pod.class).getSpec();

        assertThat(PodSecurityRestricted.violations(loose))
                .contains(
                        "host namespaces are shared",
                        "container c: allowPrivilegeEscalation is not false",
                        "container c: runAsNonRoot is not true",
                        "container c: runs as user 0",
                        "container c: seccompProfile is not RuntimeDefault or Localhost",
                        "container c: capabilities do not drop ALL",
                        "container c: adds capabilities other than NET_BIND_SERVICE",
                        "container c: uses host port 80")
                .anyMatch(violation -> violation.startsWith("volume host is not"));
    }

    @Test
    void kustomizationListsEveryManifestButTheOptionalOnes() throws IOException {
        List<String> resources = list(kustomization(), "resources");

        assertThat(resources)
                .containsExactlyInAnyOrderElementsOf(manifestFiles().stream()
                        .map(file -> file.getFileName().toString())
                        .filter(name -> !name.equals("kustomization.yaml") && !OPTIONAL.contains(name))
                        .toList());
    }

    @Test
    void deploymentEnvironmentBindsToTheIntendedProperties() throws IOException {
        Binder binder = GatewayManifestRules.environment(gateway());

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
        assertThat(binder.bind("spring.data.redis.sentinel.password", String.class)
                        .isBound())
                .isTrue();
    }

    @Test
    void routesConfigMapIsAGatewayConfigurationThatBinds() throws IOException {
        Binder binder = GatewayManifestRules.mountedApplicationYml(
                KubernetesObjects.one(read("configmap-routes.yaml"), ConfigMap.class));

        ClientAddressProperties addresses =
                binder.bindOrCreate(ClientAddressProperties.PREFIX, ClientAddressProperties.class);
        assertThat(addresses.trustedProxyCount()).isEqualTo(1);
        assertThat(binder.bind("spring.cloud.gateway.server.webflux.routes[0].id", String.class)
                        .get())
                .isEqualTo("orders");
        assertThat(binder.bind("spring.cloud.gateway.server.webflux.routes[1].metadata.auth", String.class)
                        .get())
                .isEqualTo("none");
    }

    static Duration shutdownTimeout() throws IOException {
        List<PropertySource<?>> sources =
                new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));
        assertThat(binder.bind("server.shutdown", String.class).get()).isEqualTo("graceful");
        return binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
                .get();
    }

    /** What {@code kubectl apply -k deploy/kubernetes} applies: the kustomization's resources. */
    static List<HasMetadata> applied() throws IOException {
        List<HasMetadata> applied = new ArrayList<>();
        for (String resource : KubernetesManifestsTest.<String>list(kustomization(), "resources")) {
            applied.addAll(read(resource));
        }
        return applied;
    }

    private static Container gateway() throws IOException {
        return GatewayManifestRules.gateway(read("deployment.yaml"));
    }

    private static List<HasMetadata> read(String file) throws IOException {
        return KubernetesObjects.read(Files.readString(DIRECTORY.resolve(file)));
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIRECTORY)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> kustomization() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(DIRECTORY.resolve("kustomization.yaml")));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Map<String, Object> from, String key) {
        assertThat(from).containsKey(key);
        return (List<T>) from.get(key);
    }
}
