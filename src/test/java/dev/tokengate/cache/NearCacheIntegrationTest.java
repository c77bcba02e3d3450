package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.RefusalTimer.Refusal;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;

/**
 * The near cache against a real Redis: hot tokens cost no Redis command, and every way a token can end (deleted,
 * changed, expired, flushed, Redis restarted) is seen by the very next request, or within {@link RefusalTimer#BOUND}.
 */
class NearCacheIntegrationTest extends GatewayIntegrationTest {

    static final String[] LOOKUP_COMMANDS = {"hgetall", "pttl"};

    @Autowired
    InvalidationTracker tracker;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void awaitTracking() {
        await().atMost(Duration.ofSeconds(10)).until(tracker::isTracking);
    }

    /**
     * Warmed by {@link NearCacheProbe#untilCached}, not by one request: the first lookup may race the invalidation
     * that the token's creation sent and then rightly not be kept (a clean-clone CI run saw one such second lookup).
     */
    @Test
    void hotTokenCostsNoRedisCommandOnceCached() {
        String token = cachedToken("orders:read");
        upstream.clear();
        long commandsBefore = tokens.commandCalls(LOOKUP_COMMANDS);
        double hitsBefore = lookups("hit");

        for (int i = 0; i < 100; i++) {
            bearer("/orders/1", token).expectStatus().isOk();
        }

        assertThat(tokens.commandCalls(LOOKUP_COMMANDS)).isEqualTo(commandsBefore);
        assertThat(lookups("hit") - hitsBefore).isGreaterThanOrEqualTo(100);
        assertThat(upstream.requestCount()).isEqualTo(100);
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
    }

    @Test
    void repeatedUnknownTokenIsAnsweredFromMemoryUntilTheTokenIsIssued() {
        String token = TestTokens.newToken();
        bearer("/orders/1", token).expectStatus().isUnauthorized();
        long commandsBefore = tokens.commandCalls(LOOKUP_COMMANDS);

        bearer("/orders/1", token).expectStatus().isUnauthorized();
        assertThat(tokens.commandCalls(LOOKUP_COMMANDS)).isEqualTo(commandsBefore);

        tokens.store(TestTokens.keyOf(token), "late", "orders:read");
        Refusal accepted = RefusalTimer.awaitStatus(client, "/orders/1", token, HttpStatus.OK, System.nanoTime());
        assertThat(accepted.isInTime()).as("%s", accepted).isTrue();
    }

    @Test
    void deletedTokenIsRefusedOnTheNextRequest() {
        String token = cachedToken("orders:read");

        tokens.revoke(token);

        assertRefusedInTime(token, HttpStatus.UNAUTHORIZED);
    }

    @Test
    void tokenWhoseScopeIsRemovedIsRefusedOnTheNextRequest() {
        String token = cachedToken("orders:read profile");

        tokens.redis().hset(TestTokens.keyOf(token), "scopes", "profile");

        assertRefusedInTime(token, HttpStatus.FORBIDDEN);
    }

    @Test
    void flushedDatabaseEndsEveryCachedTokenAtOnce() {
        String token = cachedToken("orders:read");
        String other = cachedToken("orders:read");

        tokens.redis().flushall();

        assertRefusedInTime(token, HttpStatus.UNAUTHORIZED);
        assertRefusedInTime(other, HttpStatus.UNAUTHORIZED);
    }

    @Test
    void expiredTokenIsRefusedOnceItsKeyExpires() {
        String token = cachedToken("orders:read");

        tokens.expireIn(token, Duration.ofMillis(300));
        long expiry = System.nanoTime() + Duration.ofMillis(300).toNanos();

        assertRefusedWithinBoundOf(expiry, token);
    }

    /**
     * With Redis's active expiry off, an expired key is only deleted (and invalidated) when someone reads it; the
     * cache must stop serving the token at its TTL on its own.
     */
    @Test
    void cachedTokenIsNotServedPastItsTtlEvenWithoutAnInvalidation() {
        tokens.activeExpire(false);
        try {
            String token = tokens.issue("alice", "orders:read");
            tokens.expireIn(token, Duration.ofMillis(400));
            long expiry = System.nanoTime() + Duration.ofMillis(400).toNanos();
            bearer("/orders/1", token).expectStatus().isOk();
            bearer("/orders/1", token).expectStatus().isOk();

            assertRefusedWithinBoundOf(expiry, token);
        } finally {
            tokens.activeExpire(true);
        }
    }

    /**
     * Until the gateway notices the dropped connection, a cached token may still be answered: nothing can have changed
     * in a Redis that is gone. Once Redis is back, empty, the token must never be accepted again.
     */
    @Test
    void restartedRedisNeverLetsACachedTokenThroughAfterItComesBack() {
        String token = cachedToken("orders:read");

        redis.stop();
        try {
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(
                            () -> bearer("/orders/1", token).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
        } finally {
            redis.start();
        }
        upstream.clear();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isUnauthorized());
        await().atMost(Duration.ofSeconds(10)).until(tracker::isTracking);
        bearer("/orders/1", token).expectStatus().isUnauthorized();
        bearer("/orders/1", token).expectStatus().isUnauthorized();
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void trackingIsRestoredAfterTheTrackingConnectionIsKilled() {
        String token = cachedToken("orders:read");

        double wholeCacheInvalidations = wholeCacheInvalidations();

        assertThat(tokens.killTrackingConnections()).isPositive();

        await().atMost(Duration.ofSeconds(5)).until(() -> wholeCacheInvalidations() > wholeCacheInvalidations);

        await().atMost(Duration.ofSeconds(10)).until(tracker::isTracking);
        bearer("/orders/1", token).expectStatus().isOk();
        bearer("/orders/1", token).expectStatus().isOk();
        tokens.revoke(token);
        assertRefusedInTime(token, HttpStatus.UNAUTHORIZED);
    }

    private String cachedToken(String scopes) {
        String token = tokens.issue("alice", scopes);
        NearCacheProbe.untilCached(client, meters, token);
        return token;
    }

    private void assertRefusedInTime(String token, HttpStatus status) {
        Refusal refusal = RefusalTimer.awaitStatus(client, "/orders/1", token, status, System.nanoTime());
        assertThat(refusal.isInTime()).as("%s", refusal).isTrue();
    }

    private void assertRefusedWithinBoundOf(long expiryNanos, String token) {
        Refusal refusal = RefusalTimer.awaitStatus(client, "/orders/1", token, HttpStatus.UNAUTHORIZED, expiryNanos);
        assertThat(refusal.elapsed()).isLessThan(RefusalTimer.BOUND);
    }

    private double wholeCacheInvalidations() {
        return NearCacheProbe.wholeCacheInvalidations(meters);
    }

    private double lookups(String result) {
        return NearCacheProbe.lookups(meters, result);
    }
}
