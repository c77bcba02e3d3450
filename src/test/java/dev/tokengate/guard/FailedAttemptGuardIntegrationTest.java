package dev.tokengate.guard;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Invalid-token attempts per client address, counted in Redis for all instances: past the limit the address gets 429
 * until the minute is over, answered from memory. Two instances with a limit of 5, on a Redis of their own.
 */
class FailedAttemptGuardIntegrationTest {

    private static final int LIMIT = 5;
    /** Every test plays a client address of its own, as a load balancer in front would report it. */
    private static final String BEHIND_A_PROXY = "tokengate.auth.trusted-proxy-count=1";

    private static final AtomicInteger clients = new AtomicInteger();
    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance first;
    private static GatewayInstance second;

    @BeforeAll
    static void startTwoGuardedInstances() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        first = GatewayInstance.start(
                redis, "tokengate.auth.failed-attempts-per-minute=" + LIMIT, BEHIND_A_PROXY, TestAdmin.PROPERTY);
        second = GatewayInstance.start(redis, "tokengate.auth.failed-attempts-per-minute=" + LIMIT, BEHIND_A_PROXY);
    }

    @AfterAll
    static void stopAll() {
        first.close();
        second.close();
        tokens.close();
        redis.stop();
    }

    private String client;

    @BeforeEach
    void newClientAddress() {
        client = "192.0.2." + clients.incrementAndGet();
        upstream.clear();
    }

    @Test
    void addressPastTheLimitIsRefusedWith429UntilTheWindowEndsWithoutAskingRedis() {
        String valid = tokens.issue("alice", "orders:read");
        for (int attempt = 1; attempt <= LIMIT; attempt++) {
            get(first, TestTokens.newToken()).expectStatus().isUnauthorized();
        }

        WebTestClient.ResponseSpec refused = get(first, TestTokens.newToken());

        assertProblem(
                refused, HttpStatus.TOO_MANY_REQUESTS, null, "Too many failed authentication attempts.", "/orders/1");
        long retryAfter = Long.parseLong(
                refused.returnResult(String.class).getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
        assertThat(retryAfter).isBetween(1L, 60L);

        long redisCommands = tokens.commandCalls("hgetall", "pttl", "eval", "evalsha");
        for (int i = 0; i < 20; i++) {
            get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        }
        get(first, valid).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(tokens.commandCalls("hgetall", "pttl", "eval", "evalsha")).isEqualTo(redisCommands);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void attemptsOnEveryInstanceAddUpAndTheOtherInstanceRefusesToo() {
        for (int attempt = 1; attempt <= LIMIT; attempt++) {
            get(attempt % 2 == 0 ? first : second, TestTokens.newToken())
                    .expectStatus()
                    .isUnauthorized();
        }

        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        get(second, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** The admin API lifts a block on every instance, though each remembers it without asking Redis. */
    @Test
    void adminApiLiftsABlockOnEveryInstanceAtOnce() {
        blockOnBothInstances();

        TestAdmin.client(first.management())
                .delete()
                .uri("/admin/blocks/{address}", client)
                .exchange()
                .expectStatus()
                .isNoContent();

        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts(client))).isFalse();
        awaitLiftedOn(first);
        awaitLiftedOn(second);
    }

    /** What the README tells ops to do by hand: delete the counter, then announce the address. */
    @Test
    void redisCliDeleteAndPublishLiftsABlockOnEveryInstance() {
        blockOnBothInstances();

        tokens.redis().del(TestTokens.KEYS.failedAttempts(client));
        tokens.redis().publish(TestTokens.KEYS.blocksLiftedChannel(), client);

        awaitLiftedOn(first);
        awaitLiftedOn(second);
    }

    @Test
    void liftingABlockNeedsTheAdminCredentialAndAnAddress() {
        TestAdmin.assertNeedsAdminCredential(first.management(), "/admin/blocks/192.0.2.1");
        assertProblem(
                TestAdmin.client(first.management())
                        .delete()
                        .uri("/admin/blocks/" + "9".repeat(65))
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Invalid client address.",
                "/admin/blocks/" + "9".repeat(65));
    }

    private void blockOnBothInstances() {
        for (int attempt = 1; attempt <= LIMIT; attempt++) {
            get(first, TestTokens.newToken()).expectStatus().isUnauthorized();
        }
        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        get(second, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    /** The next unknown token is an ordinary 401 again (and counts as the first of a new window). */
    private void awaitLiftedOn(GatewayInstance gateway) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> get(gateway, TestTokens.newToken()).expectStatus().isUnauthorized());
    }

    @Test
    void validTokensAndMissingTokensDoNotCount() {
        String valid = tokens.issue("alice", "orders:read");
        for (int i = 0; i < LIMIT * 3; i++) {
            get(first, valid).expectStatus().isOk();
            withoutToken(first).expectStatus().isUnauthorized();
        }

        get(first, TestTokens.newToken()).expectStatus().isUnauthorized();
    }

    @Test
    void floodOfDistinctUnknownTokensCostsRedisOnlyUpToTheLimit() {
        long lookupsBefore = tokens.commandCalls("hgetall");

        for (int i = 0; i < 300; i++) {
            get(first, TestTokens.newToken())
                    .expectStatus()
                    .value(status -> assertThat(status).isIn(401, 429));
        }

        assertThat(tokens.commandCalls("hgetall") - lookupsBefore).isLessThanOrEqualTo(LIMIT + 1);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void theAddressCountedIsTheClientsNotTheProxys() {
        for (int attempt = 1; attempt <= LIMIT + 1; attempt++) {
            get(first, TestTokens.newToken());
        }
        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        client = "192.0.2.250";
        get(first, TestTokens.newToken()).expectStatus().isUnauthorized();
        assertThat(tokens.redis().exists(TestTokens.KEYS.failedAttempts(client)))
                .isOne();
    }

    /**
     * A client rotating through the addresses of its /64 counts as one: failures from two addresses of one /64 add up,
     * block both and leave one Redis key for the prefix, while an address of the next /64 is counted apart. Lifting
     * the block by any address of the prefix lifts it for all of them.
     */
    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        int n = clients.incrementAndGet();
        String one = "2001:db8:" + n + ":1::1";
        String sameSlash64 = "2001:db8:" + n + ":1:ffff:ffff:ffff:fffe";
        String nextSlash64 = "2001:db8:" + n + ":2::1";
        for (int attempt = 1; attempt <= LIMIT; attempt++) {
            client = attempt % 2 == 0 ? one : sameSlash64;
            get(first, TestTokens.newToken()).expectStatus().isUnauthorized();
        }

        client = one;
        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        client = sameSlash64;
        get(second, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        client = nextSlash64;
        get(first, TestTokens.newToken()).expectStatus().isUnauthorized();

        assertThat(tokens.redis().exists(TestTokens.KEYS.failedAttempts("2001:db8:" + n + ":1::/64")))
                .isOne();
        assertThat(tokens.redis().exists(TestTokens.KEYS.failedAttempts(one))).isZero();
        assertThat(tokens.redis().exists(TestTokens.KEYS.failedAttempts("2001:db8:" + n + ":2::/64")))
                .isOne();

        TestAdmin.client(first.management())
                .delete()
                .uri("/admin/blocks/" + sameSlash64)
                .exchange()
                .expectStatus()
                .isNoContent();
        client = one;
        awaitLiftedOn(first);
        awaitLiftedOn(second);
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * One guesser behind a shared address (a NAT, a proxy not counted) does not lock out its neighbours: a token this
     * instance already holds as valid still passes, while unknown tokens get 429 without a Redis lookup.
     */
    @Test
    void aBlockedAddressKeepsServingTokensThisInstanceKnowsButNoUnknownOnes() {
        String neighbour = tokens.issue("neighbour", "orders:read");
        NearCacheProbe.untilCached(first.client(), first.bean(MeterRegistry.class), neighbour);
        for (int attempt = 1; attempt <= LIMIT + 1; attempt++) {
            get(first, TestTokens.newToken());
        }
        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        upstream.clear();
        long lookups = tokens.commandCalls("hgetall", "pttl", "eval", "evalsha");

        get(first, neighbour).expectStatus().isOk();
        get(first, TestTokens.newToken()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        assertThat(upstream.requestCount()).isOne();
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("neighbour");
        assertThat(upstream.lastRequest().header("X-Real-IP")).isEqualTo(client);
        assertThat(tokens.commandCalls("hgetall", "pttl", "eval", "evalsha")).isEqualTo(lookups);
    }

    @Test
    void aBlockedAddressWithoutCredentialsGetsTheUsual401() {
        for (int attempt = 1; attempt <= LIMIT + 1; attempt++) {
            get(first, TestTokens.newToken());
        }

        withoutToken(first).expectStatus().isUnauthorized();
    }

    /**
     * HAProxy's {@code option forwardfor} adds a line of its own: the two lines are one list (RFC 9110 section 5.3),
     * and with one trusted proxy the client is the entry that proxy added, last in the list.
     */
    @Test
    void twoXForwardedForLinesAreOneListAndTheTrustedProxysEntryIsCounted() {
        RawHttpClient raw = new RawHttpClient(first.port());
        for (int attempt = 1; attempt <= LIMIT + 1; attempt++) {
            raw.get(
                    "/orders/1",
                    "Authorization: Bearer " + TestTokens.newToken(),
                    "X-Forwarded-For: 203.0.113.66",
                    "X-Forwarded-For: " + client);
        }

        assertThat(tokens.redis().get(TestTokens.KEYS.failedAttempts(client))).isEqualTo(String.valueOf(LIMIT + 1));
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("203.0.113.66")))
                .isFalse();
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("127.0.0.1"))).isFalse();

        raw.get("/public/1", "X-Forwarded-For: 203.0.113.66", "X-Forwarded-For: " + client);
        assertThat(upstream.lastRequest().header("X-Real-IP")).isEqualTo(client);
        assertThat(upstream.lastRequest().header("X-Forwarded-For")).isEqualTo(client + ", 127.0.0.1");
    }

    private WebTestClient.ResponseSpec withoutToken(GatewayInstance gateway) {
        return gateway.client()
                .get()
                .uri("/orders/1")
                .header("X-Forwarded-For", client)
                .exchange();
    }

    private WebTestClient.ResponseSpec get(GatewayInstance gateway, String token) {
        return gateway.client()
                .get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header("X-Forwarded-For", client)
                .exchange();
    }
}
