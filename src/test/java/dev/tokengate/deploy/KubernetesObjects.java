package dev.tokengate.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Kubernetes objects read from YAML into fabric8's model classes, strictly: a field the API does not have (a typo, a
 * field at the wrong level) fails, as {@code kubectl apply --validate=strict} would. The model classes collect unknown
 * fields in {@code additionalProperties} to be lenient; here that collection is switched off.
 */
final class KubernetesObjects {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .setAnnotationIntrospector(new NoLeniency())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private KubernetesObjects() {}

    /** Every document of a YAML stream, empty ones skipped, each bound to its kind's model class. */
    static List<HasMetadata> read(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            KubernetesResource bound = STRICT.convertValue(document, KubernetesResource.class);
            if (!(bound instanceof HasMetadata object)
                    || bound.getClass().getSimpleName().startsWith("Generic")) {
                throw new IllegalArgumentException("not a known Kubernetes kind: " + kindOf(document));
            }
            objects.add(object);
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind) {
        return one(objects, kind, object -> true);
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind, Predicate<T> which) {
        List<T> found = all(objects, kind).stream().filter(which).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    private static String kindOf(Object document) {
        return document instanceof Map<?, ?> map
                ? Objects.toString(map.get("apiVersion")) + "/" + Objects.toString(map.get("kind"))
                : String.valueOf(document);
    }

    private static final class NoLeniency extends JacksonAnnotationIntrospector {

        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return Boolean.FALSE;
        }

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            JsonIgnoreProperties.Value lenient = super.findPropertyIgnoralByName(config, annotated);
            return lenient.withoutIgnoreUnknown();
        }
    }
}
