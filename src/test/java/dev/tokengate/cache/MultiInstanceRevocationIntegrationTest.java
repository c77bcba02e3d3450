package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.ConcurrentTraffic;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.RefusalTimer.Refusal;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TwoGatewaysIntegrationTest;
import dev.tokengate.token.TokenHashing;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Two gateways on one Redis, each with its own near cache: a plain {@code DEL} reaches both. */
class MultiInstanceRevocationIntegrationTest extends TwoGatewaysIntegrationTest {

    static final int REVOCATIONS = 200;

    @Autowired
    MeterRegistry meters;

    @Test
    void tokenRevokedWithAPlainRedisClientIsRefusedByBothInstancesOnTheNextRequest() {
        String token = tokenCachedOnBoth();

        tokens.revoke(token);
        long revoked = System.nanoTime();

        Refusal first = RefusalTimer.awaitStatus(client, "/orders/1", token, HttpStatus.UNAUTHORIZED, revoked);
        Refusal other = RefusalTimer.awaitStatus(second.client(), "/orders/1", token, HttpStatus.UNAUTHORIZED, revoked);
        assertThat(first.isInTime()).as("first instance: %s", first).isTrue();
        assertThat(other.isInTime()).as("second instance: %s", other).isTrue();
    }

    /** {@code PATCH} on one instance's admin API: one script on the token's key, whose invalidation reaches both. */
    @Test
    void scopesPatchedThroughOneInstanceAreEnforcedByBoth() {
        String token = tokenCachedOnBoth();

        TestAdmin.client(second.management())
                .patch()
                .uri("/admin/tokens/{id}", TokenHashing.sha256Hex(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"scopes\":\"billing:read\"}")
                .exchange()
                .expectStatus()
                .isOk();
        long patched = System.nanoTime();

        Refusal first = RefusalTimer.awaitStatus(client, "/orders/1", token, HttpStatus.FORBIDDEN, patched);
        Refusal other = RefusalTimer.awaitStatus(second.client(), "/orders/1", token, HttpStatus.FORBIDDEN, patched);
        assertThat(first.isInTime()).as("first instance: %s", first).isTrue();
        assertThat(other.isInTime()).as("second instance: %s", other).isTrue();
    }

    /**
     * Many revocations, each of a token cached on both instances: the time from Redis confirming {@code DEL} to each
     * instance refusing the token, reported to {@code target/revocation-latency.md}. Every refusal must come on the
     * very next request or within {@link RefusalTimer#BOUND}; the latency itself is the benchmark's to report.
     */
    @Test
    void revocationReachesBothInstancesEveryTime() throws IOException {
        List<Duration> latencies = new ArrayList<>();
        List<Refusal> late = new ArrayList<>();
        int refusedOnTheVeryNextRequest = 0;
        for (int i = 0; i < REVOCATIONS; i++) {
            String token = tokenCachedOnBoth();
            tokens.revoke(token);
            long revoked = System.nanoTime();
            for (WebTestClient instance : List.of(client, second.client())) {
                Refusal refusal =
                        RefusalTimer.awaitStatus(instance, "/orders/1", token, HttpStatus.UNAUTHORIZED, revoked);
                latencies.add(refusal.elapsed());
                refusedOnTheVeryNextRequest += refusal.attempts() == 1 ? 1 : 0;
                if (!refusal.isInTime()) {
                    late.add(refusal);
                }
            }
        }

        Collections.sort(latencies);
        String report = String.format(
                "| instances | revocations | p50 | p99 | max | refused on the very next request |%n"
                        + "|---|---|---|---|---|---|%n"
                        + "| 2 | %d | %.2f ms | %.2f ms | %.2f ms | %d of %d |%n",
                REVOCATIONS,
                millis(percentile(latencies, 50)),
                millis(percentile(latencies, 99)),
                millis(latencies.get(latencies.size() - 1)),
                refusedOnTheVeryNextRequest,
                latencies.size());
        Files.writeString(Path.of("target", "revocation-latency.md"), report);
        System.out.print(report);
        assertThat(late)
                .as("refusals neither on the very next request nor within %s", RefusalTimer.BOUND)
                .isEmpty();
    }

    /** Three instances, each under steady traffic from two clients: every revocation still reaches all of them. */
    @Test
    void underLoadRevocationReachesThreeInstances() {
        List<String> busy = List.of(tokens.issue("bob", "orders:read"), tokens.issue("carol", "orders:read"));
        try (GatewayInstance third = GatewayInstance.start(redis);
                ConcurrentTraffic onFirst = ConcurrentTraffic.start(port, "/orders/1", busy, List.of(), 2);
                ConcurrentTraffic onSecond = ConcurrentTraffic.start(second.port(), "/orders/1", busy, List.of(), 2);
                ConcurrentTraffic onThird = ConcurrentTraffic.start(third.port(), "/orders/1", busy, List.of(), 2)) {
            await().atMost(Duration.ofSeconds(10)).until(third.bean(InvalidationTracker.class)::isTracking);
            List<Refusal> late = new ArrayList<>();
            List<Duration> latencies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String token = tokens.issue("alice", "orders:read");
                NearCacheProbe.untilCached(client, meters, token);
                NearCacheProbe.untilCached(second.client(), second.bean(MeterRegistry.class), token);
                NearCacheProbe.untilCached(third.client(), third.bean(MeterRegistry.class), token);
                tokens.revoke(token);
                long revoked = System.nanoTime();
                for (WebTestClient instance : List.of(client, second.client(), third.client())) {
                    Refusal refusal =
                            RefusalTimer.awaitStatus(instance, "/orders/1", token, HttpStatus.UNAUTHORIZED, revoked);
                    latencies.add(refusal.elapsed());
                    if (!refusal.isInTime()) {
                        late.add(refusal);
                    }
                }
            }
            Collections.sort(latencies);
            System.out.printf(
                    "Revocation under load, 3 instances: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    millis(percentile(latencies, 50)),
                    millis(percentile(latencies, 99)),
                    millis(latencies.get(latencies.size() - 1)));
            assertThat(late)
                    .as("refusals later than %s under load", RefusalTimer.BOUND)
                    .isEmpty();
            assertThat(ConcurrentTraffic.count(onThird.exchanges(), HttpStatus.OK))
                    .as("the third instance was under load")
                    .isPositive();
        }
    }

    private String tokenCachedOnBoth() {
        String token = tokens.issue("alice", "orders:read");
        NearCacheProbe.untilCached(client, meters, token);
        NearCacheProbe.untilCached(second.client(), second.bean(MeterRegistry.class), token);
        return token;
    }

    private static Duration percentile(List<Duration> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }
}
