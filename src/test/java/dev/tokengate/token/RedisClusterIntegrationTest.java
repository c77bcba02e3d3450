package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestClusterRedis;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The gateway on a three-master Redis Cluster through Spring Boot's {@code spring.data.redis.cluster.nodes}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
        gateway = GatewayInstance.startWith("spring.data.redis.cluster.nodes=" + cluster.nodes(), TestAdmin.PROPERTY);
    }

    private static RedisClusterClient clusterClient() {
        return RedisClusterClient.create(cluster.uris().stream()
                .map(uri -> RedisURI.builder(RedisURI.create(uri))
                        .withTimeout(Duration.ofSeconds(2))
                        .build())
                .toList());
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

    @Test
    void runtimeRoutesAreReadFromEveryMaster() {
        WebTestClient admin = TestAdmin.client(gateway.management());
        List<String> ids = List.of("cluster-a", "cluster-b", "cluster-c", "cluster-d", "cluster-e");
        for (String id : ids) {
            admin.post()
                    .uri("/actuator/gateway/routes/{id}", id)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"uri\":\"" + upstream.url() + "\",\"predicates\":[{\"name\":\"Path\",\"args\":"
                            + "{\"_genkey_0\":\"/" + id + "/**\"}}],\"metadata\":{\"auth\":\"none\"}}")
                    .exchange()
                    .expectStatus()
                    .isCreated();
        }
        admin.post().uri("/actuator/gateway/refresh").exchange().expectStatus().isOk();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String id : ids) {
                gateway.client()
                        .get()
                        .uri("/" + id + "/x")
                        .exchange()
                        .expectStatus()
                        .isOk();
            }
        });
    }

    /**
     * A master is killed; its replica takes its slots. Tokens on the other masters keep validating; those on the lost
     * master's slots get 503 (never 200 unchecked) until the replica is promoted and the gateway's view of the
     * topology follows. A token revoked afterwards is refused. Prints the window for the README.
     */
    @Test
    @Order(Integer.MAX_VALUE) // it leaves the cluster with a master fewer
    void masterKilledItsReplicaTakesOverAndNothingRevokedIsAcceptedAfterwards() {
        RedisAdvancedClusterCommands<String, String> redis = connection.sync();
        int lostMaster = 2;
        List<String> onLostMaster = new ArrayList<>();
        while (onLostMaster.size() < 10) {
            String token = TestTokens.newToken();
            if (SlotHash.getSlot(TestTokens.keyOf(token)) * 3 / SlotHash.SLOT_COUNT == lostMaster) {
                redis.hset(TestTokens.keyOf(token), Map.of("user", "zoe", "scopes", "orders:read"));
                onLostMaster.add(token);
            }
        }
        onLostMaster.forEach(token -> BearerRequests.get(gateway.client(), "/orders/1", token)
                .expectStatus()
                .isOk());

        long killed = System.nanoTime();
        cluster.kill(cluster.masterPort(lostMaster));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", onLostMaster.get(0))
                        .expectStatus()
                        .isOk());
        System.out.printf(
                "Cluster failover: tokens on the killed master validate again %d ms after the kill%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());

        // Revoked through a client that learns the topology after the failover, as ops' redis-cli would.
        String revoked = onLostMaster.get(1);
        RedisClusterClient afterFailover = clusterClient();
        try (StatefulRedisClusterConnection<String, String> fresh = afterFailover.connect()) {
            assertThat(fresh.sync().del(TestTokens.keyOf(revoked))).isOne();
        } finally {
            afterFailover.shutdown();
        }
        BearerRequests.get(gateway.client(), "/orders/1", revoked)
                .expectStatus()
                .isUnauthorized();
        BearerRequests.get(gateway.client(), "/orders/1", onLostMaster.get(2))
                .expectStatus()
                .isOk();
    }
}
