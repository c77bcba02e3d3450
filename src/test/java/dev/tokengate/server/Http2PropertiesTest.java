package dev.tokengate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class Http2PropertiesTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(bind(Map.of())).isEqualTo(new Http2Properties(100, 200, Duration.ofSeconds(30)));
    }

    @Test
    void propertiesBindFromTheirDocumentedNames() {
        assertThat(bind(Map.of(
                        "tokengate.http2.max-concurrent-streams", "250",
                        "tokengate.http2.max-reset-frames", "50",
                        "tokengate.http2.reset-frames-window", "1m")))
                .isEqualTo(new Http2Properties(250, 50, Duration.ofMinutes(1)));
    }

    @Test
    void nonsensicalSettingsStopStartupWithTheirPropertyName() {
        assertThatThrownBy(() -> bind(Map.of("tokengate.http2.max-concurrent-streams", "0")))
                .rootCause()
                .hasMessageContaining("tokengate.http2.max-concurrent-streams");
        assertThatThrownBy(() -> bind(Map.of("tokengate.http2.max-reset-frames", "-1")))
                .rootCause()
                .hasMessageContaining("tokengate.http2.max-reset-frames");
        assertThatThrownBy(() -> bind(Map.of("tokengate.http2.reset-frames-window", "500ms")))
                .rootCause()
                .hasMessageContaining("tokengate.http2.reset-frames-window");
    }

    private static Http2Properties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(Http2Properties.PREFIX, Http2Properties.class);
    }
}
