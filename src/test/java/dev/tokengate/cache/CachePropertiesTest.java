package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class CachePropertiesTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(bind(Map.of()))
                .isEqualTo(new CacheProperties(true, 100_000, Duration.ofMinutes(5), Duration.ofSeconds(2)));
    }

    @Test
    void propertiesBindFromTheirDocumentedNames() {
        assertThat(bind(Map.of(
                        "tokengate.cache.enabled", "false",
                        "tokengate.cache.max-entries", "500",
                        "tokengate.cache.ttl", "30s",
                        "tokengate.cache.negative-ttl", "0s")))
                .isEqualTo(new CacheProperties(false, 500, Duration.ofSeconds(30), Duration.ZERO));
    }

    @Test
    void nonsensicalSettingsStopStartupWithTheirPropertyName() {
        assertThatThrownBy(() -> bind(Map.of("tokengate.cache.max-entries", "0")))
                .rootCause()
                .hasMessageContaining("tokengate.cache.max-entries");
        assertThatThrownBy(() -> bind(Map.of("tokengate.cache.ttl", "0s")))
                .rootCause()
                .hasMessageContaining("tokengate.cache.ttl");
    }

    private static CacheProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(CacheProperties.PREFIX, CacheProperties.class);
    }
}
