package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.clientaddress.ClientAddressHeader;
import dev.tokengate.clientaddress.ClientAddressProperties;
import dev.tokengate.guard.GuardProperties;
import dev.tokengate.redis.RedisUseProperties;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenStoreProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Every {@code tokengate.auth.*} setting, whichever package's record reads it: the names and defaults are the
 * documented contract, unchanged since the settings were split by concern.
 */
class AuthPropertiesTest {

    private static final Map<String, String> EVERY_SETTING = Map.ofEntries(
            Map.entry("tokengate.auth.key-prefix", "session:"),
            Map.entry("tokengate.auth.token-hashing", "none"),
            Map.entry("tokengate.auth.schemes", "Bearer"),
            Map.entry("tokengate.auth.user-header", "X-Auth-User"),
            Map.entry("tokengate.auth.scopes-header", "X-Auth-Scopes"),
            Map.entry("tokengate.auth.forward-credentials", "true"),
            Map.entry("tokengate.auth.redis-timeout", "250ms"),
            Map.entry("tokengate.auth.stale-if-unavailable", "30s"),
            Map.entry("tokengate.auth.failed-attempts-per-minute", "10"),
            Map.entry("tokengate.auth.guard.ipv6-prefix-length", "48"),
            Map.entry("tokengate.auth.trusted-proxy-count", "1"),
            Map.entry("tokengate.auth.client-address-header", "forwarded"));

    @Test
    void defaultsAreTheDocumentedContract() {
        Binder defaults = binder(Map.of());

        assertThat(bind(defaults, RedisUseProperties.class))
                .isEqualTo(new RedisUseProperties("auth:token:", Duration.ofMillis(500)));
        assertThat(bind(defaults, TokenStoreProperties.class))
                .as("fail closed by default")
                .isEqualTo(new TokenStoreProperties(TokenHashing.SHA256, null));
        assertThat(bind(defaults, AuthProperties.class))
                .isEqualTo(new AuthProperties(List.of("Bearer", "Token"), "X-User-Id", "X-User-Scopes", false));
        assertThat(bind(defaults, GuardProperties.class))
                .isEqualTo(new GuardProperties(60, new GuardProperties.Grouping(64)));
        assertThat(bind(defaults, ClientAddressProperties.class))
                .isEqualTo(new ClientAddressProperties(0, null, ClientAddressHeader.X_FORWARDED_FOR));
    }

    @Test
    void propertiesBindFromTheirDocumentedNames() {
        Binder binder = binder(EVERY_SETTING);

        assertThat(bind(binder, RedisUseProperties.class))
                .isEqualTo(new RedisUseProperties("session:", Duration.ofMillis(250)));
        assertThat(bind(binder, TokenStoreProperties.class))
                .isEqualTo(new TokenStoreProperties(TokenHashing.NONE, Duration.ofSeconds(30)));
        assertThat(bind(binder, AuthProperties.class))
                .isEqualTo(new AuthProperties(List.of("Bearer"), "X-Auth-User", "X-Auth-Scopes", true));
        assertThat(bind(binder, GuardProperties.class))
                .isEqualTo(new GuardProperties(10, new GuardProperties.Grouping(48)));
        assertThat(bind(binder, ClientAddressProperties.class))
                .isEqualTo(new ClientAddressProperties(1, null, ClientAddressHeader.FORWARDED));
    }

    @Test
    void nonsensicalSettingsStopStartupWithTheirPropertyName() {
        assertThatThrownBy(() -> bind(binder(Map.of("tokengate.auth.user-header", "X User")), AuthProperties.class))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("tokengate.auth.user-header");
        assertThatThrownBy(() -> bind(binder(Map.of("tokengate.auth.redis-timeout", "0s")), RedisUseProperties.class))
                .rootCause()
                .hasMessageContaining("tokengate.auth.redis-timeout");
        assertThatThrownBy(() ->
                        bind(binder(Map.of("tokengate.auth.stale-if-unavailable", "0s")), TokenStoreProperties.class))
                .rootCause()
                .hasMessageContaining("tokengate.auth.stale-if-unavailable");
        assertThatThrownBy(
                        () -> bind(binder(Map.of("tokengate.auth.scopes-header", "x-user-id")), AuthProperties.class))
                .rootCause()
                .hasMessageContaining("must differ");
        assertThatThrownBy(() ->
                        bind(binder(Map.of("tokengate.auth.failed-attempts-per-minute", "-1")), GuardProperties.class))
                .rootCause()
                .hasMessageContaining("tokengate.auth.failed-attempts-per-minute");
        for (String length : new String[] {"0", "129"}) {
            assertThatThrownBy(() -> bind(
                            binder(Map.of("tokengate.auth.guard.ipv6-prefix-length", length)), GuardProperties.class))
                    .rootCause()
                    .hasMessageContaining("tokengate.auth.guard.ipv6-prefix-length");
        }
        assertThatThrownBy(() ->
                        bind(binder(Map.of("tokengate.auth.trusted-proxy-count", "-1")), ClientAddressProperties.class))
                .rootCause()
                .hasMessageContaining("tokengate.auth.trusted-proxy-count");
    }

    /** The count's former name, which tokengate.authz used for a list of ranges, still sets the count. */
    @Test
    void theFormerNameOfTheProxyCountStillSetsIt() {
        assertThat(bind(binder(Map.of("tokengate.auth.trusted-proxies", "2")), ClientAddressProperties.class)
                        .trustedProxyCount())
                .isEqualTo(2);
        assertThat(bind(
                                binder(Map.of(
                                        "tokengate.auth.trusted-proxies", "2",
                                        "tokengate.auth.trusted-proxy-count", "2")),
                                ClientAddressProperties.class)
                        .trustedProxyCount())
                .isEqualTo(2);
        assertThatThrownBy(() -> bind(
                        binder(Map.of(
                                "tokengate.auth.trusted-proxies", "1",
                                "tokengate.auth.trusted-proxy-count", "2")),
                        ClientAddressProperties.class))
                .rootCause()
                .hasMessageContaining("keep only trusted-proxy-count");
    }

    private static Binder binder(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties));
    }

    private static <T> T bind(Binder binder, Class<T> type) {
        return binder.bindOrCreate("tokengate.auth", type);
    }
}
