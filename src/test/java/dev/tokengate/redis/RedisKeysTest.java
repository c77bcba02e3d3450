package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names are a contract with data already in Redis and with ops' ACLs: they change only on purpose. */
class RedisKeysTest {

    private final RedisKeys defaults = new RedisKeys(RedisKeys.DEFAULT_TOKEN_PREFIX);

    @Test
    void defaultNamesAreThoseOfEveryEarlierRelease() {
        assertThat(defaults.token("9f86d081")).isEqualTo("auth:token:9f86d081");
        assertThat(defaults.userTokens("alice")).isEqualTo("auth:user:alice:tokens");
        assertThat(defaults.failedAttempts("192.0.2.1")).isEqualTo("auth:failed:192.0.2.1");
        assertThat(defaults.route("orders")).isEqualTo("routedefinition_orders");
        assertThat(defaults.routePattern()).isEqualTo("routedefinition_*");
        assertThat(defaults.routesChannel()).isEqualTo("tokengate:routes:refreshed");
        assertThat(RedisKeys.USER_FIELD).isEqualTo("user");
        assertThat(RedisKeys.SCOPES_FIELD).isEqualTo("scopes");
    }

    @Test
    void theConfiguredPrefixNamesEveryTokenKey() {
        RedisKeys keys = new RedisKeys("session:");

        assertThat(keys.tokenPrefix()).isEqualTo("session:");
        assertThat(keys.token("9f86d081")).isEqualTo("session:9f86d081");
    }

    @Test
    void aTokenPatternMatchesThePrefixLiterallyAndTheHashByItsFirstDigits() {
        assertThat(defaults.tokenPattern("9f86d081884c")).isEqualTo("auth:token:9f86d081884c*");
        assertThat(new RedisKeys("t*[x]?\\:").tokenPattern("9f86d081884c"))
                .isEqualTo("t\\*\\[x\\]\\?\\\\:9f86d081884c*");
    }
}
