package dev.tokengate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, before anything starts, settings the gateway would otherwise silently ignore: a {@code tokengate.*} key
 * that no setting has (a typo such as {@code redis-timout}: the default would apply unnoticed), and routes under the
 * legacy prefix {@code spring.cloud.gateway.routes}, which Spring Cloud Gateway 5 no longer reads (every request would
 * get 404). The known keys are those of the configuration metadata the build generates from the properties records,
 * so a new setting needs nothing here. Every spelling Spring Boot accepts is checked in its canonical form, whether it
 * comes from YAML, the command line or an environment variable.
 */
public class SettingsCheck implements EnvironmentPostProcessor, Ordered {

    private final Log log;

    public SettingsCheck(DeferredLogFactory logs) {
        this.log = logs.getLog(SettingsCheck.class);
    }

    static final String METADATA = "META-INF/spring-configuration-metadata.json";
    static final String PREFIX = "tokengate";
    static final ConfigurationPropertyName LEGACY_ROUTES = ConfigurationPropertyName.of("spring.cloud.gateway.routes");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // Read once for both: the metadata files are parsed on every start.
        List<JsonNode> metadata = tokengateProperties();
        Set<String> known = knownKeys(metadata);
        Map<String, String> renamed = renamedKeys(metadata);
        List<String> mistakes = new ArrayList<>();
        Set<String> warnings = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().forEach(name -> {
                    check(source, name, known, mistakes);
                    warnIfRenamed(source, name, renamed, warnings);
                });
            }
        }
        warnings.forEach(log::warn);
        if (!mistakes.isEmpty()) {
            throw new InvalidSettingsException(List.copyOf(new TreeSet<>(mistakes)));
        }
    }

    private static void check(
            ConfigurationPropertySource source, ConfigurationPropertyName name, Set<String> known, List<String> out) {
        if (LEGACY_ROUTES.isAncestorOf(name)) {
            out.add("Routes under the legacy prefix 'spring.cloud.gateway.routes' (" + origin(source, name)
                    + ") are not read by Spring Cloud Gateway 5: move them to"
                    + " 'spring.cloud.gateway.server.webflux.routes'.");
            return;
        }
        if (name.getNumberOfElements() == 0
                || !PREFIX.equals(name.getElement(0, ConfigurationPropertyName.Form.DASHED))) {
            return;
        }
        String key = withoutIndexes(name);
        boolean fromEnvironmentVariable = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
        if (!known.contains(key) && !(fromEnvironmentVariable && knownAsEnvironmentVariable(key, known))) {
            out.add("Unknown setting '" + key + "' (" + origin(source, name) + "): " + suggestion(key, known));
        }
    }

    private static void warnIfRenamed(
            ConfigurationPropertySource source,
            ConfigurationPropertyName name,
            Map<String, String> renamed,
            Set<String> out) {
        String key = withoutIndexes(name);
        boolean fromEnvironmentVariable = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
        renamed.entrySet().stream()
                .filter(entry -> entry.getKey().equals(key)
                        || (fromEnvironmentVariable
                                && lettersOnly(entry.getKey()).equals(lettersOnly(key))))
                .findFirst()
                .ifPresent(entry -> out.add("The setting '" + entry.getKey() + "' (" + origin(source, name)
                        + ") is now named '" + entry.getValue() + "': it still works, but set '" + entry.getValue()
                        + "' instead."));
    }

    /**
     * {@code TOKENGATE_AUTH_REDISTIMEOUT} (Spring Boot's form: dashes dropped) and {@code TOKENGATE_AUTH_REDIS_TIMEOUT}
     * (underscores for dashes) both set {@code tokengate.auth.redis-timeout}: compared without dots and dashes.
     */
    private static boolean knownAsEnvironmentVariable(String key, Set<String> known) {
        String letters = lettersOnly(key);
        return known.stream().anyMatch(candidate -> lettersOnly(candidate).equals(letters));
    }

    private static String lettersOnly(String key) {
        return key.replace(".", "").replace("-", "");
    }

    /** {@code tokengate.auth.schemes[0]} is the key {@code tokengate.auth.schemes}. */
    private static String withoutIndexes(ConfigurationPropertyName name) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            if (!name.isNumericIndex(i)) {
                key.append(key.isEmpty() ? "" : ".").append(name.getElement(i, ConfigurationPropertyName.Form.DASHED));
            }
        }
        return key.toString();
    }

    private static String origin(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        ConfigurationProperty property = source.getConfigurationProperty(name);
        return property != null && property.getOrigin() != null
                ? "from " + property.getOrigin()
                : "from " + source.getUnderlyingSource();
    }

    private static String suggestion(String key, Set<String> known) {
        return NearestName.among(known, key)
                .map(nearest -> "did you mean '" + nearest + "'?")
                .orElse("no setting has this name; docs/configuration.md lists them all.");
    }

    /**
     * The keys of a list's elements, when they are records of ours: {@code tokengate.admin.credentials[0].name} is the
     * key {@code tokengate.admin.credentials.name}. The metadata describes the list, not its elements.
     */
    private static List<String> elementKeys(String name, String type) {
        if (!type.startsWith("java.util.List<dev.tokengate.")) {
            return List.of();
        }
        String element = type.substring("java.util.List<".length(), type.length() - 1);
        try {
            Class<?> elementClass = ClassUtils.forName(element, SettingsCheck.class.getClassLoader());
            if (!elementClass.isRecord()) {
                return List.of();
            }
            return Arrays.stream(elementClass.getRecordComponents())
                    .map(component -> name + "." + DataObjectPropertyName.toDashedForm(component.getName()))
                    .toList();
        } catch (ClassNotFoundException e) {
            return List.of();
        }
    }

    /** Every {@code tokengate.*} key of every configuration metadata file on the class path. */
    static Set<String> knownKeys() {
        return knownKeys(tokengateProperties());
    }

    private static Set<String> knownKeys(List<JsonNode> metadata) {
        Set<String> known = new TreeSet<>();
        metadata.forEach(property -> {
            String name = property.path("name").asString("");
            known.add(name);
            known.addAll(elementKeys(name, property.path("type").asString("")));
        });
        if (known.isEmpty()) {
            throw new IllegalStateException("No " + METADATA + " lists the tokengate settings: the build generates it");
        }
        return known;
    }

    /** Each deprecated {@code tokengate.*} key that still works, and the key that replaces it. */
    static Map<String, String> renamedKeys() {
        return renamedKeys(tokengateProperties());
    }

    private static Map<String, String> renamedKeys(List<JsonNode> metadata) {
        Map<String, String> renamed = new TreeMap<>();
        metadata.forEach(property -> {
            String replacement =
                    property.path("deprecation").path("replacement").asString("");
            if (!replacement.isEmpty()) {
                renamed.put(property.path("name").asString(""), replacement);
            }
        });
        return renamed;
    }

    private static List<JsonNode> tokengateProperties() {
        List<JsonNode> properties = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL file :
                    Collections.list(SettingsCheck.class.getClassLoader().getResources(METADATA))) {
                try (InputStream metadata = file.openStream()) {
                    for (JsonNode property : json.readTree(metadata).path("properties")) {
                        if (property.path("name").asString("").startsWith(PREFIX + ".")) {
                            properties.add(property);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    // After the config data (application.yml, profiles, the command line) is in the environment.
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
