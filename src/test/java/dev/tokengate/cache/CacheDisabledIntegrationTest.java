package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "tokengate.cache.enabled=false")
class CacheDisabledIntegrationTest extends GatewayIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void everyRequestIsOneRedisLookupAndNoTrackingConnectionIsOpened() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/orders/1", token).expectStatus().isOk();
        long lookups = tokens.commandCalls("hgetall");
        long ttlReads = tokens.commandCalls("pttl");

        for (int i = 0; i < 5; i++) {
            bearer("/orders/1", token).expectStatus().isOk();
        }

        assertThat(tokens.commandCalls("hgetall") - lookups).isEqualTo(5);
        assertThat(tokens.commandCalls("pttl")).isEqualTo(ttlReads);
        assertThat(context.getBean(TokenStore.class)).isInstanceOf(RedisTokenStore.class);
        assertThat(context.getBeansOfType(InvalidationTracker.class)).isEmpty();
    }
}
