package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestClusterRedis;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway on a three-master Redis Cluster through Spring Boot's {@code spring.data.redis.cluster.nodes}. */
class RedisClusterIntegrationTest {

    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    private static TestClusterRedis cluster;
    private static RedisClusterClient client;
    private static StatefulRedisClusterConnection<String, String> connection;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startClusterAndGateway() {
        cluster = new TestClusterRedis();
        client = RedisClusterClient.create(
                cluster.uris().stream().map(RedisURI::create).toList());
        connection = client.connect();
        gateway = GatewayInstance.startWith("spring.data.redis.cluster.nodes=" + cluster.nodes());
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        connection.close();
        client.shutdown();
        cluster.close();
    }

    @Test
    void tokensInEverySlotRangeValidateAndRevocationIsSeen() {
        RedisAdvancedClusterCommands<String, String> redis = connection.sync();
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String token = TestTokens.newToken();
            String key = TestTokens.keyOf(token);
            redis.hset(key, Map.of("user", "user-" + i, "scopes", "orders:read"));
            masters.add(SlotHash.getSlot(key) * 3 / SlotHash.SLOT_COUNT);

            upstream.clear();
            BearerRequests.get(gateway.client(), "/orders/1", token)
                    .expectStatus()
                    .isOk();
            assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("user-" + i);

            redis.del(key);
            BearerRequests.get(gateway.client(), "/orders/1", token)
                    .expectStatus()
                    .isUnauthorized();
        }
        assertThat(masters).as("tokens landed on every master").isEqualTo(Set.of(0, 1, 2));
    }
}
