package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestClusterRedis;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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

    /** Each master announces its own keys' changes: the near cache tracks all three, and trusts none alone. */
    @Test
    void tokensOnEveryMasterValidateAndTheirRevocationReachesTheNearCache() {
        awaitTracking();
        RedisAdvancedClusterCommands<String, String> redis = connection.sync();
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String token = TestTokens.newToken();
            String key = TestTokens.keyOf(token);
            redis.hset(key, Map.of("user", "user-" + i, "scopes", "orders:read"));
            masters.add(masterOf(key));

            NearCacheProbe.untilCached(gateway.client(), meters(), token);
            assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("user-" + i);

            redis.del(key);
            await().atMost(Duration.ofSeconds(1))
                    .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", token)
                            .expectStatus()
                            .isUnauthorized());
        }
        assertThat(masters).as("tokens landed on every master").isEqualTo(Set.of(0, 1, 2));
    }

    /**
     * Two masters stop answering, one for much longer: the near cache stays off until both track again, and its
     * gauge never reads 1 in between, though the first master confirms tracking again long before the second.
     */
    @Test
    void trackingGaugeReadsZeroUntilEveryMasterTracksAgain() {
        awaitTracking();
        pause(0, Duration.ofMillis(1500));
        pause(1, Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> !tracker().isTracking());

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    boolean gaugeOn = NearCacheProbe.trackingGaugeOn(meters());
                    boolean tracking = tracker().isTracking();
                    assertThat(!gaugeOn || tracking)
                            .as("tokengate.cache.tracking reads 1 while the near cache is off")
                            .isTrue();
                    return tracking;
                });
        assertThat(NearCacheProbe.trackingGaugeOn(meters())).isTrue();
    }

    /** One master lost and back: one whole-cache invalidation, not one per tracker that noticed. */
    @Test
    void losingOneMasterFlushesTheNearCacheOnce() {
        awaitTracking();
        double flushesBefore = NearCacheProbe.wholeCacheInvalidations(meters());

        pause(2, Duration.ofMillis(1500));
        await().atMost(Duration.ofSeconds(5)).until(() -> !tracker().isTracking());
        awaitTracking();

        assertThat(NearCacheProbe.wholeCacheInvalidations(meters()) - flushesBefore)
                .isEqualTo(1);
    }

    /** The admin API touches one key per step: the token key and the user's index live in different slots. */
    @Test
    void adminApiIssuesListsAndRevokesTokensOnACluster() {
        WebTestClient admin = TestAdmin.client(gateway.management());
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            issued.add(TestAdmin.issue(
                            gateway.management(), "{\"user\":\"carla\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}")
                    .get("token")
                    .toString());
        }
        assertThat(issued.stream().map(token -> masterOf(TestTokens.keyOf(token))))
                .as("tokens spread over the masters")
                .hasSizeGreaterThan(1);
        issued.forEach(token -> BearerRequests.get(gateway.client(), "/orders/1", token)
                .expectStatus()
                .isOk());
        admin.get()
                .uri("/admin/users/carla/tokens")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.tokens.length()")
                .isEqualTo(6);
        // by a prefix of its id, one token on each master that holds one: a SCAN of every master
        Collection<String> onePerMaster = issued.stream()
                .collect(Collectors.toMap(
                        token -> masterOf(TestTokens.keyOf(token)), token -> token, (first, later) -> first))
                .values();
        for (String token : onePerMaster) {
            admin.delete()
                    .uri("/admin/tokens/{id}", TokenHashing.sha256Hex(token).substring(0, 12))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
        }

        admin.delete()
                .uri("/admin/users/carla/tokens")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.revoked")
                .isEqualTo(issued.size() - onePerMaster.size());

        issued.forEach(token -> BearerRequests.get(gateway.client(), "/orders/1", token)
                .expectStatus()
                .isUnauthorized());
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
            if (masterOf(TestTokens.keyOf(token)) == lostMaster) {
                redis.hset(TestTokens.keyOf(token), Map.of("user", "zoe", "scopes", "orders:read"));
                onLostMaster.add(token);
            }
        }
        awaitTracking();
        onLostMaster.forEach(token -> NearCacheProbe.untilCached(gateway.client(), meters(), token));
        // Revoked just before the kill, and replicated: the promoted replica must not bring it back to life.
        String revokedBefore = onLostMaster.get(3);
        revokeOnNode(cluster.masterPort(lostMaster), TestTokens.keyOf(revokedBefore));

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
        BearerRequests.get(gateway.client(), "/orders/1", revokedBefore)
                .expectStatus()
                .isUnauthorized();

        // The near cache tracks the promoted master: a cached token revoked there is refused at once.
        long recovered = System.nanoTime();
        awaitTracking();
        System.out.printf(
                "Cluster failover: near cache tracking again %d ms after tokens validated again%n",
                Duration.ofNanos(System.nanoTime() - recovered).toMillis());
        String cached = onLostMaster.get(2);
        NearCacheProbe.untilCached(gateway.client(), meters(), cached);
        RedisClusterClient revoker = clusterClient();
        try (StatefulRedisClusterConnection<String, String> fresh = revoker.connect()) {
            fresh.sync().del(TestTokens.keyOf(cached));
        } finally {
            revoker.shutdown();
        }
        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", cached)
                        .expectStatus()
                        .isUnauthorized());
    }

    private static void awaitTracking() {
        await().atMost(Duration.ofSeconds(30)).until(() -> tracker().isTracking());
    }

    private static InvalidationTracker tracker() {
        return gateway.bean(InvalidationTracker.class);
    }

    /** {@code CLIENT PAUSE} on one master: it answers no client for that long, its cluster bus keeps going. */
    private static void pause(int master, Duration duration) {
        RedisClient node = RedisClient.create("redis://" + TestRedis.HOST + ":" + cluster.masterPort(master));
        try (StatefulRedisConnection<String, String> direct = node.connect()) {
            direct.sync().clientPause(duration.toMillis());
        } finally {
            node.shutdown();
        }
    }

    private static MeterRegistry meters() {
        return gateway.bean(MeterRegistry.class);
    }

    private static int masterOf(String key) {
        return SlotHash.getSlot(key) * 3 / SlotHash.SLOT_COUNT;
    }

    /** DEL on the node itself, then WAIT until its replica has it too. */
    private static void revokeOnNode(int port, String key) {
        RedisClient node = RedisClient.create("redis://" + TestRedis.HOST + ":" + port);
        try (StatefulRedisConnection<String, String> direct = node.connect()) {
            assertThat(direct.sync().del(key)).isOne();
            assertThat(direct.sync().waitForReplication(1, 2000)).isOne();
        } finally {
            node.shutdown();
        }
    }
}
