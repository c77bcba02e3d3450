package dev.tokengate.deploy;

import static dev.tokengate.deploy.KubernetesObjects.all;
import static dev.tokengate.deploy.KubernetesObjects.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * What a platform team needs from tokengate's Kubernetes objects, checked the same way on the plain manifests and on
 * the Helm chart's rendering: Pod Security "restricted", a read-only root, no replica count beside an autoscaler,
 * spread over zones and nodes, the management port closed to all but labelled namespaces, probes on the actuator,
 * secrets from Secrets, memory the JVM fits in.
 */
final class GatewayManifestRules {

    static final String MANAGEMENT_ACCESS_LABEL = "tokengate.dev/management-access";

    /**
     * Memory the JVM uses besides the heap and Netty's direct buffers: metaspace and code cache (46 MB committed after
     * load), the AOT cache mapping, thread stacks, GC structures and malloc arenas, with room. bench/startup.sh measured a
     * peak RSS of 390 MB with the heap at 365 MB committed under load (README, "The container image").
     */
    static final long NON_HEAP_RESERVE_MIB = 192;

    private static final Pattern RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)");
    private static final Pattern DIRECT_MEMORY = Pattern.compile("-XX:MaxDirectMemorySize=([0-9]+)([mMgG])");

    private GatewayManifestRules() {}

    static void assertProductionReady(List<HasMetadata> objects, Duration shutdownTimeout) {
        Deployment deployment = one(objects, Deployment.class);
        PodTemplateSpec template = deployment.getSpec().getTemplate();
        PodSpec pod = template.getSpec();
        Container gateway = pod.getContainers().get(0);

        assertThat(PodSecurityRestricted.violations(pod))
                .as("Pod Security restricted")
                .isEmpty();
        assertReadOnlyRootWithWritableTmp(pod);
        assertNoReplicasBesideAutoscaler(objects, deployment);
        assertSpreadOverZonesAndNodes(pod);
        assertProbesOnTheActuator(gateway);
        assertGraceOutlastsShutdown(pod, gateway, shutdownTimeout);
        assertMemoryFitsTheLimit(gateway);
        assertCredentialsComeFromSecrets(gateway);
        assertManagementPortClosed(objects, deployment);
        assertScrapable(objects, template);
    }

    private static void assertReadOnlyRootWithWritableTmp(PodSpec pod) {
        for (Container container : PodSecurityRestricted.containers(pod)) {
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem())
                    .as(container.getName() + " readOnlyRootFilesystem")
                    .isTrue();
        }
        VolumeMount tmp = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/tmp"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
        Volume volume = pod.getVolumes().stream()
                .filter(candidate -> candidate.getName().equals(tmp.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(volume.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
        assertThat(tmp.getReadOnly()).as("/tmp writable").isNotEqualTo(Boolean.TRUE);
    }

    private static void assertNoReplicasBesideAutoscaler(List<HasMetadata> objects, Deployment deployment) {
        List<HorizontalPodAutoscaler> autoscalers = all(objects, HorizontalPodAutoscaler.class);
        if (autoscalers.isEmpty()) {
            assertThat(deployment.getSpec().getReplicas())
                    .as("replicas without an autoscaler")
                    .isNotNull();
            return;
        }
        HorizontalPodAutoscaler autoscaler = autoscalers.get(0);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(deployment.getSpec().getReplicas())
                .as("a replica count beside an autoscaler resets it on every apply")
                .isNull();
        for (PodDisruptionBudget budget : all(objects, PodDisruptionBudget.class)) {
            assertThat(budget.getSpec().getMinAvailable().getIntVal())
                    .as("the disruption budget leaves room to drain a node")
                    .isLessThan(autoscaler.getSpec().getMinReplicas());
        }
    }

    private static void assertSpreadOverZonesAndNodes(PodSpec pod) {
        assertThat(pod.getTopologySpreadConstraints())
                .extracting(TopologySpreadConstraint::getTopologyKey)
                .contains("topology.kubernetes.io/zone", "kubernetes.io/hostname");
        for (TopologySpreadConstraint constraint : pod.getTopologySpreadConstraints()) {
            assertThat(constraint.getLabelSelector().getMatchLabels())
                    .as("spread counts tokengate's pods")
                    .containsAllEntriesOf(Map.of("app.kubernetes.io/name", "tokengate"));
        }
    }

    private static void assertProbesOnTheActuator(Container gateway) {
        assertThat(clientPort(gateway)).as("8080, or 8443 with TLS").isIn(8080, 8443);
        assertThat(containerPort(gateway, "management")).isEqualTo(8081);
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("management"));
        assertThat(gateway.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(gateway.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("management"));
        assertThat(gateway.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(gateway.getEnv())
                .as("the probes need the management port on the pod address")
                .contains(new EnvVar("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0", null));
    }

    private static void assertGraceOutlastsShutdown(PodSpec pod, Container gateway, Duration shutdownTimeout) {
        int preStop =
                gateway.getLifecycle().getPreStop().getSleep().getSeconds().intValue();
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(preStop + shutdownTimeout.toSeconds());
    }

    private static void assertMemoryFitsTheLimit(Container gateway) {
        Quantity limit = gateway.getResources().getLimits().get("memory");
        assertThat(gateway.getResources().getRequests().get("memory"))
                .as("memory request equals the limit: a JVM does not give memory back under pressure")
                .isEqualTo(limit);
        String options = env(gateway, "JDK_JAVA_OPTIONS")
                .orElseThrow(() -> new AssertionError("JDK_JAVA_OPTIONS not set next to the memory limit"));
        long limitMib = mebibytes(limit);
        long heapMib = (long) (limitMib * percentage(options) / 100);
        long directMib = directMemoryMib(options);
        assertThat(heapMib + directMib + NON_HEAP_RESERVE_MIB)
                .as(
                        "heap %d MiB + direct %d MiB + %d MiB besides, within the limit of %d MiB",
                        heapMib, directMib, NON_HEAP_RESERVE_MIB, limitMib)
                .isLessThanOrEqualTo(limitMib);
    }

    private static void assertCredentialsComeFromSecrets(Container gateway) {
        for (String name : List.of("TOKENGATE_ADMIN_TOKEN_SHA256", "SPRING_DATA_REDIS_PASSWORD")) {
            EnvVar variable = gateway.getEnv().stream()
                    .filter(candidate -> candidate.getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not set"));
            assertThat(variable.getValueFrom().getSecretKeyRef()).as(name).isNotNull();
        }
        for (EnvVar variable : gateway.getEnv()) {
            // The project's own prefix names no secret: TOKENGATE_ASSERTION_ISSUER is a plain value
            if (variable.getName().replaceFirst("^TOKENGATE_", "").matches(".*(PASSWORD|TOKEN|SECRET).*")) {
                assertThat(variable.getValue())
                        .as(variable.getName() + " written in the manifest")
                        .isNull();
            }
        }
    }

    private static void assertManagementPortClosed(List<HasMetadata> objects, Deployment deployment) {
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        NetworkPolicy policy = one(objects, NetworkPolicy.class);
        assertThat(podLabels)
                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        boolean httpOpen = false;
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            List<String> ports = rule.getPorts().stream()
                    .map(port -> port.getPort().getStrVal() != null
                            ? port.getPort().getStrVal()
                            : String.valueOf(port.getPort().getIntVal()))
                    .toList();
            assertThat(ports).as("every ingress rule names its ports").isNotEmpty();
            if (ports.contains("management") || ports.contains("8081")) {
                assertThat(rule.getFrom())
                        .as("the management port is admitted from somewhere")
                        .isNotEmpty();
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .as("the management port only from labelled namespaces")
                            .containsKey(MANAGEMENT_ACCESS_LABEL);
                }
            } else {
                httpOpen |= ports.contains("http") || ports.contains("https");
            }
        }
        assertThat(httpOpen).as("client traffic admitted").isTrue();

        for (Service service : all(objects, Service.class)) {
            boolean exposesManagement = service.getSpec().getPorts().stream()
                    .map(ServicePort::getTargetPort)
                    .anyMatch(target ->
                            new IntOrString("management").equals(target) || new IntOrString(8081).equals(target));
            if (exposesManagement) {
                assertThat(service.getSpec().getType())
                        .as(service.getMetadata().getName() + " exposes the management port beyond the cluster")
                        .isIn(null, "ClusterIP");
                assertThat(service.getSpec().getPorts()).hasSize(1);
            }
        }
    }

    private static void assertScrapable(List<HasMetadata> objects, PodTemplateSpec template) {
        List<ServiceMonitor> monitors = all(objects, ServiceMonitor.class);
        Map<String, String> annotations =
                Optional.ofNullable(template.getMetadata().getAnnotations()).orElse(Map.of());
        if (monitors.isEmpty()) {
            assertThat(annotations)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", "8081")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
            return;
        }
        for (ServiceMonitor monitor : monitors) {
            Map<String, String> selected = monitor.getSpec().getSelector().getMatchLabels();
            Service service = one(
                    objects,
                    Service.class,
                    candidate -> candidate.getMetadata().getLabels().entrySet().containsAll(selected.entrySet()));
            assertThat(service.getSpec().getPorts())
                    .extracting(ServicePort::getName)
                    .contains("management");
            assertThat(monitor.getSpec().getEndpoints()).allSatisfy(endpoint -> {
                assertThat(endpoint.getPort()).isEqualTo("management");
                assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
            });
        }
    }

    /** The gateway's container, the first of the one Deployment among {@code objects}. */
    static Container gateway(List<HasMetadata> objects) {
        return one(objects, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    /** The container's environment as Spring Boot binds it; values from Secrets read as {@code from-secret}. */
    static Binder environment(Container container) {
        Map<String, Object> env = new HashMap<>();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue() != null ? variable.getValue() : "from-secret");
        }
        MutablePropertySources sources = new MutablePropertySources();
        // Under the name Spring gives the process environment, so that names bind as in the gateway: by that name
        // alone TOKENGATE_ASSERTION_KEYS_0_ID reads as tokengate.assertion.keys[0].id
        sources.addFirst(
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return new Binder(ConfigurationPropertySources.from(sources));
    }

    /** The routes file a ConfigMap mounts as {@code /config/application.yml}, bound. */
    static Binder mountedApplicationYml(ConfigMap configMap) throws IOException {
        String applicationYml = configMap.getData().get("application.yml");
        List<PropertySource<?>> loaded = new YamlPropertySourceLoader()
                .load("routes", new ByteArrayResource(applicationYml.getBytes(StandardCharsets.UTF_8)));
        return new Binder(ConfigurationPropertySources.from(loaded));
    }

    static Optional<String> env(Container container, String name) {
        return container.getEnv().stream()
                .filter(variable -> variable.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst();
    }

    /** The client port: {@code http} on 8080, or {@code https} on 8443 when the pod terminates TLS. */
    static int clientPort(Container container) {
        boolean tls = container.getPorts().stream().anyMatch(port -> "https".equals(port.getName()));
        int port = containerPort(container, tls ? "https" : "http");
        assertThat(port).as("the client port's name says whether it is TLS").isEqualTo(tls ? 8443 : 8080);
        return port;
    }

    private static int containerPort(Container container, String name) {
        return container.getPorts().stream()
                .filter(port -> name.equals(port.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name))
                .getContainerPort();
    }

    private static double percentage(String options) {
        Matcher matcher = RAM_PERCENTAGE.matcher(options);
        assertThat(matcher.find()).as("MaxRAMPercentage in " + options).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static long directMemoryMib(String options) {
        Matcher matcher = DIRECT_MEMORY.matcher(options);
        assertThat(matcher.find())
                .as("MaxDirectMemorySize in " + options + " (unset, Netty may take as much as the heap)")
                .isTrue();
        long amount = Long.parseLong(matcher.group(1));
        return matcher.group(2).equalsIgnoreCase("g") ? amount * 1024 : amount;
    }

    private static long mebibytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity)
                .divide(BigDecimal.valueOf(1024L * 1024L))
                .longValue();
    }
}
