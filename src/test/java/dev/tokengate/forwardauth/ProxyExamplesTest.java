package dev.tokengate.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.auth.AuthProperties;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Traefik and Envoy examples cannot run here (neither is packaged for Debian); they are read instead, for the
 * settings tokengate relies on. The nginx example runs for real in {@link NginxAuthRequestIntegrationTest}.
 */
class ProxyExamplesTest {

    private static final Path EXAMPLES = Path.of("deploy/examples");

    @Test
    void thePolicyTableOfTheExamplesBinds() throws IOException {
        Binder binder = new Binder(ConfigurationPropertySources.from(new YamlPropertySourceLoader()
                .load("policies", new FileSystemResource(EXAMPLES.resolve("policies.yml")))));
        AuthzProperties properties = binder.bindOrCreate(AuthzProperties.PREFIX, AuthzProperties.class);

        assertThat(properties.enabled()).isTrue();
        assertThat(properties.policies())
                .extracting(AuthzProperties.Policy::id)
                .containsExactly("status", "orders-write", "orders");
    }

    @Test
    void traefikAsksWithOnlyTheCredentialsAndCopiesTheIdentity() throws IOException {
        Map<String, Object> forwardAuth =
                at(load("traefik/dynamic.yml"), "http", "middlewares", "tokengate", "forwardAuth");

        assertThat((String) forwardAuth.get("address")).endsWith(AuthzProperties.DEFAULT_PATH);
        assertThat(forwardAuth.get("trustForwardHeader")).isEqualTo(false);
        assertThat(forwardAuth.get("authRequestHeaders")).isEqualTo(List.of("Authorization"));
        assertThat(forwardAuth.get("authResponseHeaders"))
                .isEqualTo(List.of(AuthProperties.DEFAULT_USER_HEADER, AuthProperties.DEFAULT_SCOPES_HEADER));
        List<String> middlewares =
                at(load("traefik/dynamic.yml"), "http", "routers", "app").get("middlewares") instanceof List<?> list
                        ? list.stream().map(Object::toString).toList()
                        : List.of();
        assertThat(middlewares).containsExactly("drop-underscore-identity", "tokengate");
    }

    @Test
    void envoyFailsClosedAndSendsTheOriginalPathAfterThePrefix() throws IOException {
        String envoy = Files.readString(EXAMPLES.resolve("envoy/envoy.yaml"));
        Map<String, Object> config = new Yaml().load(envoy);

        assertThat(config).containsKey("static_resources");
        assertThat(envoy)
                .contains("failure_mode_allow: false")
                .contains("path_prefix: " + AuthzProperties.DEFAULT_PATH)
                .contains("- exact: x-user-id", "- exact: x-user-scopes", "- exact: x-forwarded-for")
                .contains("headers_with_underscores_action: REJECT_REQUEST")
                .contains("normalize_path: true");
    }

    private static Map<String, Object> load(String file) throws IOException {
        try (Reader reader = Files.newBufferedReader(EXAMPLES.resolve(file))) {
            return new Yaml().load(reader);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> map, String... keys) {
        Map<String, Object> current = map;
        for (String key : keys) {
            current = (Map<String, Object>) current.get(key);
        }
        return current;
    }
}
