package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.ConcurrentTraffic;
import dev.tokengate.support.ConcurrentTraffic.Exchange;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestSentinelRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The gateway on Redis Sentinel through Spring Boot's own properties ({@code spring.data.redis.sentinel.*}): one
 * master, one replica, three sentinels. The master is killed during steady traffic; the sentinels promote the replica.
 * Prints the outage window it measured, which the README reports.
 */
class SentinelFailoverIntegrationTest {

    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    /** Down-after (1 s), election and promotion, and Lettuce's reconnect backoff (at most 1 s), with room. */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(20);

    private static TestSentinelRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startSentinelAndGateway() {
        redis = new TestSentinelRedis();
        tokens = new TestTokens(redis.uri());
        gateway = GatewayInstance.startWith(
                "spring.data.redis.sentinel.master=" + TestSentinelRedis.MASTER_NAME,
                "spring.data.redis.sentinel.nodes=" + redis.sentinelNodes());
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        tokens.close();
        redis.close();
    }

    @Test
    void failoverDuringTrafficIsA503WindowWithNothingUncheckedForwardedThenTheNearCacheTracksTheNewMaster() {
        List<String> valid = IntStream.range(0, 20)
                .mapToObj(i -> tokens.issue("alice", "orders:read"))
                .toList();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", valid.get(0))
                        .expectStatus()
                        .isOk());
        upstream.clear();

        Instant killed;
        List<Exchange> exchanges;
        try (ConcurrentTraffic traffic = ConcurrentTraffic.start(
                gateway.port(),
                "/orders/1",
                valid,
                IntStream.range(0, 5).mapToObj(i -> TestTokens.newToken()).toList(),
                4)) {
            traffic.awaitAnswers(HttpStatus.OK, 100, FAILOVER_BOUND);

            killed = Instant.now();
            redis.killMaster();
            traffic.awaitAnswers(HttpStatus.SERVICE_UNAVAILABLE, 1, FAILOVER_BOUND);
            int okBefore = ConcurrentTraffic.count(traffic.exchanges(), HttpStatus.OK);
            traffic.awaitAnswers(HttpStatus.OK, okBefore + 100, FAILOVER_BOUND);
            exchanges = traffic.stop();
        }

        ConcurrentTraffic.assertNothingUncheckedGotThrough(exchanges, upstream.requestIds(), Duration.ofSeconds(2));
        Instant lastUnavailable = exchanges.stream()
                .filter(exchange -> exchange.status() == 503)
                .map(exchange -> exchange.sent().plus(exchange.elapsed()))
                .max(Instant::compareTo)
                .orElseThrow();
        System.out.printf(
                "Sentinel failover: 503s for %d ms after the master was killed (%d requests answered 503)%n",
                Duration.between(killed, lastUnavailable).toMillis(),
                ConcurrentTraffic.count(exchanges, HttpStatus.SERVICE_UNAVAILABLE));

        // The near cache tracks the promoted master: a cached token revoked there is refused at once.
        String token = valid.get(1);
        await().atMost(FAILOVER_BOUND)
                .until(() -> gateway.bean(InvalidationTracker.class).isTracking());
        NearCacheProbe.untilCached(gateway.client(), gateway.bean(MeterRegistry.class), token);
        tokens.revoke(token);
        await().atMost(Duration.ofSeconds(1))
                .untilAsserted(() -> BearerRequests.get(gateway.client(), "/orders/1", token)
                        .expectStatus()
                        .isUnauthorized());
        assertThat(tokens.redis().info("replication")).contains("role:master");
    }
}
