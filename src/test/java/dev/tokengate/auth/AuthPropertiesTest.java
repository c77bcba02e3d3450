package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AuthPropertiesTest {

    @Test
    void defaultsAreTheDocumentedContract() {
        AuthProperties properties = bind(Map.of());

        assertThat(properties.keyPrefix()).isEqualTo("auth:token:");
        assertThat(properties.tokenHashing()).isEqualTo(TokenHashing.SHA256);
        assertThat(properties.schemes()).containsExactly("Bearer", "Token");
        assertThat(properties.userHeader()).isEqualTo("X-User-Id");
        assertThat(properties.scopesHeader()).isEqualTo("X-User-Scopes");
        assertThat(properties.forwardCredentials()).isFalse();
        assertThat(properties.redisTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(properties.staleIfUnavailable()).as("fail closed by default").isNull();
        assertThat(properties.failedAttemptsPerMinute()).isEqualTo(60);
        assertThat(properties.trustedProxies()).isZero();
        assertThat(properties.clientAddressHeader()).isEqualTo(ClientAddressHeader.X_FORWARDED_FOR);
    }

    @Test
    void propertiesBindFromTheirDocumentedNames() {
        AuthProperties properties = bind(Map.ofEntries(
                Map.entry("tokengate.auth.key-prefix", "session:"),
                Map.entry("tokengate.auth.token-hashing", "none"),
                Map.entry("tokengate.auth.schemes", "Bearer"),
                Map.entry("tokengate.auth.user-header", "X-Auth-User"),
                Map.entry("tokengate.auth.scopes-header", "X-Auth-Scopes"),
                Map.entry("tokengate.auth.forward-credentials", "true"),
                Map.entry("tokengate.auth.redis-timeout", "250ms"),
                Map.entry("tokengate.auth.stale-if-unavailable", "30s"),
                Map.entry("tokengate.auth.failed-attempts-per-minute", "10"),
                Map.entry("tokengate.auth.trusted-proxies", "1"),
                Map.entry("tokengate.auth.client-address-header", "forwarded")));

        assertThat(properties)
                .isEqualTo(new AuthProperties(
                        "session:",
                        TokenHashing.NONE,
                        List.of("Bearer"),
                        "X-Auth-User",
                        "X-Auth-Scopes",
                        true,
                        Duration.ofMillis(250),
                        Duration.ofSeconds(30),
                        10,
                        1,
                        ClientAddressHeader.FORWARDED));
    }

    @Test
    void nonsensicalSettingsStopStartupWithTheirPropertyName() {
        assertThatThrownBy(() -> bind(Map.of("tokengate.auth.user-header", "X User")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("tokengate.auth.user-header");
        assertThatThrownBy(() -> bind(Map.of("tokengate.auth.redis-timeout", "0s")))
                .rootCause()
                .hasMessageContaining("tokengate.auth.redis-timeout");
        assertThatThrownBy(() -> bind(Map.of("tokengate.auth.stale-if-unavailable", "0s")))
                .rootCause()
                .hasMessageContaining("tokengate.auth.stale-if-unavailable");
        assertThatThrownBy(() -> bind(Map.of("tokengate.auth.scopes-header", "x-user-id")))
                .rootCause()
                .hasMessageContaining("must differ");
    }

    private static AuthProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(AuthProperties.PREFIX, AuthProperties.class);
    }
}
