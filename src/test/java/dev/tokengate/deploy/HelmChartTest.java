package dev.tokengate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.tokengate.assertion.AssertionProperties;
import dev.tokengate.clientaddress.ClientAddressProperties;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart under {@code deploy/helm/tokengate}, linted and rendered by helm itself (its library, through helm-java),
 * and the rendered objects held to the same rules as the plain manifests: for the default values and for Sentinel
 * over TLS with a ServiceMonitor.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("deploy/helm/tokengate");
    private static final Path SENTINEL_TLS = CHART.resolve("ci/sentinel-tls-values.yaml");

    @Test
    void lintsCleanStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultValuesRenderTheObjectsOfThePlainManifestsAndPassTheirRules() throws IOException {
        List<HasMetadata> rendered = render(template -> template);

        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        assertThat(kinds(rendered)).containsExactlyInAnyOrderElementsOf(plainKindsWithoutTheNamespace());
        Container gateway = GatewayManifestRules.gateway(rendered);
        assertThat(gateway.getImage()).isEqualTo("registry.example.com/tokengate:" + appVersion());
        Binder env = GatewayManifestRules.environment(gateway);
        assertThat(env.bind("spring.data.redis.host", String.class).get()).isEqualTo("redis");
        assertThat(env.bind("spring.data.redis.password", String.class).isBound())
                .isTrue();
        assertThat(env.bind("tokengate.admin.token-sha256", String.class).isBound())
                .isTrue();
        assertThat(env.bind("spring.data.redis.ssl.enabled", Boolean.class).isBound())
                .isFalse();
    }

    @Test
    void sentinelOverTlsWithServiceMonitorPassesTheSameRules() throws IOException {
        List<HasMetadata> rendered = render(template -> template.withValuesFile(SENTINEL_TLS));

        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        Container gateway = GatewayManifestRules.gateway(rendered);
        assertThat(gateway.getImage()).endsWith("@sha256:" + "0".repeat(64));
        Binder env = GatewayManifestRules.environment(gateway);
        assertThat(env.bind("spring.data.redis.sentinel.master", String.class).get())
                .isEqualTo("mymaster");
        assertThat(env.bind("spring.data.redis.sentinel.nodes", String[].class).get())
                .hasSize(2);
        assertThat(env.bind("spring.data.redis.sentinel.password", String.class).isBound())
                .isTrue();
        assertThat(env.bind("spring.data.redis.username", String.class).get()).isEqualTo("tokengate");
        assertThat(env.bind("spring.data.redis.host", String.class).isBound()).isFalse();
        assertThat(env.bind("spring.data.redis.ssl.enabled", Boolean.class).get())
                .isTrue();
        assertThat(env.bind("spring.data.redis.ssl.bundle", String.class).get()).isEqualTo("redis");
        assertThat(env.bind("spring.ssl.bundle.pem.redis.truststore.certificate", String.class)
                        .get())
                .isEqualTo("file:/etc/tokengate/redis-ca/ca.crt");
        assertThat(secretVolumes(rendered)).containsExactly("redis-ca");

        Binder routes = GatewayManifestRules.mountedApplicationYml(KubernetesObjects.one(rendered, ConfigMap.class));
        assertThat(routes.bind("spring.cloud.gateway.server.webflux.routes[0].id", String.class)
                        .get())
                .isEqualTo("orders");
        assertThat(routes.bind("spring.cloud.gateway.server.webflux.routes[1].metadata.auth", String.class)
                        .get())
                .isEqualTo("none");
        assertThat(routes.bindOrCreate(ClientAddressProperties.PREFIX, ClientAddressProperties.class)
                        .trustedProxyCount())
                .isEqualTo(1);
    }

    @Test
    void clusterModeAndFixedReplicasRender() throws IOException {
        List<HasMetadata> rendered = render(template -> template.set("redis.mode", "cluster")
                .set("redis.cluster.nodes", "redis-0:6379,redis-1:6379")
                .set("autoscaling.enabled", "false"));

        assertThat(KubernetesObjects.all(rendered, HorizontalPodAutoscaler.class))
                .isEmpty();
        assertThat(KubernetesObjects.one(rendered, Deployment.class).getSpec().getReplicas())
                .isEqualTo(3);
        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        Binder env = GatewayManifestRules.environment(GatewayManifestRules.gateway(rendered));
        assertThat(env.bind("spring.data.redis.cluster.nodes", String[].class).get())
                .containsExactly("redis-0:6379", "redis-1:6379");
    }

    /**
     * TLS on the client port from cert-manager's Secret: mounted read-only, a PEM bundle that reloads on renewal, 8443
     * with HTTP/2, and the Service and NetworkPolicy on the https port. The same production rules hold.
     */
    @Test
    void tlsOnTheClientPortMountsTheSecretAndListensOn8443() throws IOException {
        List<HasMetadata> rendered =
                render(template -> template.set("tls.enabled", "true").set("tls.secretName", "tokengate-tls"));

        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        Container gateway = GatewayManifestRules.gateway(rendered);
        assertThat(GatewayManifestRules.clientPort(gateway)).isEqualTo(8443);
        Binder env = GatewayManifestRules.environment(gateway);
        assertThat(env.bind("server.port", Integer.class).get()).isEqualTo(8443);
        assertThat(env.bind("server.ssl.bundle", String.class).get()).isEqualTo("edge");
        assertThat(env.bind("spring.ssl.bundle.pem.edge.keystore.certificate", String.class)
                        .get())
                .isEqualTo("file:/etc/tokengate/tls/tls.crt");
        assertThat(env.bind("spring.ssl.bundle.pem.edge.keystore.private-key", String.class)
                        .get())
                .isEqualTo("file:/etc/tokengate/tls/tls.key");
        assertThat(env.bind("spring.ssl.bundle.pem.edge.reload-on-update", Boolean.class)
                        .get())
                .isTrue();
        assertThat(env.bind("server.http2.enabled", Boolean.class).get()).isTrue();
        assertThat(gateway.getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/tokengate/tls"));
        assertThat(secretVolumes(rendered)).containsExactly("tokengate-tls");
        Service service = KubernetesObjects.one(
                rendered,
                Service.class,
                candidate -> !"None".equals(candidate.getSpec().getClusterIP()));
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(443);
            assertThat(port.getTargetPort()).isEqualTo(new IntOrString("https"));
        });

        assertThatThrownBy(() -> render(template -> template.set("tls.enabled", "true")))
                .hasMessageContaining("tls.secretName");
        assertThat(env.bind("server.ssl.client-auth", String.class).isBound())
                .as("no client certificates asked for without an authority to verify them")
                .isFalse();
    }

    /** With the clients' authority from a Secret, the port asks for client certificates and verifies them with it. */
    @Test
    void aClientAuthorityMakesTheClientPortAskForCertificates() throws IOException {
        List<HasMetadata> rendered = render(template -> template.set("tls.enabled", "true")
                .set("tls.secretName", "tokengate-tls")
                .set("tls.clientCA.secretName", "clients-ca"));

        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        Container gateway = GatewayManifestRules.gateway(rendered);
        Binder env = GatewayManifestRules.environment(gateway);
        assertThat(env.bind("server.ssl.client-auth", String.class).get()).isEqualTo("want");
        assertThat(env.bind("spring.ssl.bundle.pem.edge.truststore.certificate", String.class)
                        .get())
                .isEqualTo("file:/etc/tokengate/client-ca/ca.crt");
        assertThat(gateway.getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/tokengate/client-ca"));
        assertThat(secretVolumes(rendered)).containsExactlyInAnyOrder("tokengate-tls", "clients-ca");
    }

    @Test
    void assertionKeysFromASecretAreMountedAndConfiguredInOrder() throws IOException {
        List<HasMetadata> rendered = render(template -> template.set("assertion.secretName", "assertion-keys")
                .set("assertion.keys[0]", "2026-12.pem")
                .set("assertion.keys[1]", "2026-06.pem")
                .set("assertion.issuer", "https://gateway.example.com"));

        GatewayManifestRules.assertProductionReady(rendered, KubernetesManifestsTest.shutdownTimeout());
        Container gateway = GatewayManifestRules.gateway(rendered);
        Binder env = GatewayManifestRules.environment(gateway);
        assertThat(env.bind("tokengate.assertion.keys", Bindable.listOf(AssertionProperties.Key.class))
                        .get())
                .containsExactly(
                        new AssertionProperties.Key("2026-12", "file:/etc/tokengate/assertion/2026-12.pem"),
                        new AssertionProperties.Key("2026-06", "file:/etc/tokengate/assertion/2026-06.pem"));
        assertThat(env.bind("tokengate.assertion.issuer", String.class).get()).isEqualTo("https://gateway.example.com");
        assertThat(gateway.getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/etc/tokengate/assertion"));
        assertThat(secretVolumes(rendered)).contains("assertion-keys");
        assertThatThrownBy(() -> render(template -> template.set("assertion.secretName", "assertion-keys")))
                .hasMessageContaining("assertion.keys must name the key files");
    }

    @Test
    void aMistakeInTheValuesFailsTheRenderingWithItsName() {
        assertThatThrownBy(() -> render(template -> template.set("redis.mode", "replicated")))
                .hasMessageContaining("redis.mode must be standalone, sentinel or cluster");
        assertThatThrownBy(() -> render(template -> template.set("redis.mode", "sentinel")))
                .hasMessageContaining("redis.sentinel.nodes is required in sentinel mode");
    }

    /** The names of the Secrets the gateway's pod mounts. */
    private static List<String> secretVolumes(List<HasMetadata> rendered) {
        PodSpec pod = KubernetesObjects.one(rendered, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec();
        return pod.getVolumes().stream()
                .filter(volume -> volume.getSecret() != null)
                .map(volume -> volume.getSecret().getSecretName())
                .toList();
    }

    private static List<HasMetadata> render(UnaryOperator<TemplateCommand> values) {
        String manifests = values.apply(
                        new Helm(CHART).template().withName("tokengate").withNamespace("tokengate"))
                .call();
        return KubernetesObjects.read(manifests);
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static List<String> plainKindsWithoutTheNamespace() throws IOException {
        return kinds(KubernetesManifestsTest.applied()).stream()
                .filter(kind -> !kind.equals("Namespace"))
                .toList();
    }

    private static String appVersion() throws IOException {
        Map<String, Object> chart = new Yaml().load(Files.readString(CHART.resolve("Chart.yaml")));
        return (String) chart.get("appVersion");
    }
}
