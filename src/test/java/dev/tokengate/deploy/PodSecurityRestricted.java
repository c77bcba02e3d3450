package dev.tokengate.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The checks of the Pod Security Standards' "restricted" profile (which includes "baseline"), as Pod Security
 * admission applies them to a pod spec: https://kubernetes.io/docs/concepts/security/pod-security-standards/.
 * Returns what it would reject, in words; empty means admitted.
 */
final class PodSecurityRestricted {

    private static final List<Function<Volume, Object>> ALLOWED_VOLUME_SOURCES = List.of(
            Volume::getConfigMap,
            Volume::getCsi,
            Volume::getDownwardAPI,
            Volume::getEmptyDir,
            Volume::getEphemeral,
            Volume::getPersistentVolumeClaim,
            Volume::getProjected,
            Volume::getSecret);

    private static final Set<String> ALLOWED_SELINUX_TYPES =
            Set.of("container_t", "container_init_t", "container_kvm_t");

    private PodSecurityRestricted() {}

    static List<String> violations(PodSpec pod) {
        List<String> found = new ArrayList<>();
        PodSecurityContext podContext =
                Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
        if (Boolean.TRUE.equals(pod.getHostNetwork())
                || Boolean.TRUE.equals(pod.getHostPID())
                || Boolean.TRUE.equals(pod.getHostIPC())) {
            found.add("host namespaces are shared");
        }
        for (Volume volume : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
            if (!allowedSource(volume)) {
                found.add("volume " + volume.getName() + " is not configMap, csi, downwardAPI, emptyDir, ephemeral, "
                        + "persistentVolumeClaim, projected or secret");
            }
        }
        if (podContext.getSysctls() != null && !podContext.getSysctls().isEmpty()) {
            found.add("sysctls are set");
        }
        if (Long.valueOf(0).equals(podContext.getRunAsUser())) {
            found.add("the pod runs as user 0");
        }
        if (podContext.getSeccompProfile() != null
                && "Unconfined".equals(podContext.getSeccompProfile().getType())) {
            found.add("the pod's seccomp profile is Unconfined");
        }
        if (podContext.getAppArmorProfile() != null
                && "Unconfined".equals(podContext.getAppArmorProfile().getType())) {
            found.add("the pod's AppArmor profile is Unconfined");
        }
        if (podContext.getSeLinuxOptions() != null && !allowedSeLinux(podContext.getSeLinuxOptions())) {
            found.add("the pod's SELinux options are not allowed");
        }
        for (Container container : containers(pod)) {
            found.addAll(violations(container, podContext));
        }
        return found;
    }

    private static List<String> violations(Container container, PodSecurityContext pod) {
        List<String> found = new ArrayList<>();
        String name = "container " + container.getName() + ": ";
        SecurityContext context =
                Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            found.add(name + "privileged");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            found.add(name + "allowPrivilegeEscalation is not false");
        }
        Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(nonRoot)) {
            found.add(name + "runAsNonRoot is not true");
        }
        if (Long.valueOf(0).equals(context.getRunAsUser())) {
            found.add(name + "runs as user 0");
        }
        SeccompProfile seccomp =
                context.getSeccompProfile() != null ? context.getSeccompProfile() : pod.getSeccompProfile();
        if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
            found.add(name + "seccompProfile is not RuntimeDefault or Localhost");
        }
        Capabilities capabilities =
                Optional.ofNullable(context.getCapabilities()).orElseGet(Capabilities::new);
        if (capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
            found.add(name + "capabilities do not drop ALL");
        }
        if (capabilities.getAdd() != null
                && capabilities.getAdd().stream().anyMatch(added -> !added.equals("NET_BIND_SERVICE"))) {
            found.add(name + "adds capabilities other than NET_BIND_SERVICE");
        }
        if (context.getAppArmorProfile() != null
                && "Unconfined".equals(context.getAppArmorProfile().getType())) {
            found.add(name + "AppArmor profile is Unconfined");
        }
        if (context.getSeLinuxOptions() != null && !allowedSeLinux(context.getSeLinuxOptions())) {
            found.add(name + "SELinux options are not allowed");
        }
        if (context.getProcMount() != null && !"Default".equals(context.getProcMount())) {
            found.add(name + "procMount is not Default");
        }
        for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
            if (port.getHostPort() != null && port.getHostPort() != 0) {
                found.add(name + "uses host port " + port.getHostPort());
            }
        }
        return found;
    }

    static List<Container> containers(PodSpec pod) {
        return Stream.of(pod.getInitContainers(), pod.getContainers())
                .filter(list -> list != null)
                .flatMap(List::stream)
                .toList();
    }

    private static boolean allowedSeLinux(SELinuxOptions options) {
        return (options.getType() == null || ALLOWED_SELINUX_TYPES.contains(options.getType()))
                && options.getUser() == null
                && options.getRole() == null;
    }

    private static boolean allowedSource(Volume volume) {
        return ALLOWED_VOLUME_SOURCES.stream().anyMatch(source -> source.apply(volume) != null);
    }
}
