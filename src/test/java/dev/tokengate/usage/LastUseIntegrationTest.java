package dev.tokengate.usage;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Last use, on a Redis of its own (so that every command Redis counts is this gateway's, and the unused query sees only
 * this test's tokens), written every second.
 */
class LastUseIntegrationTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startGateway() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        gateway = GatewayInstance.start(
                redis, TestAdmin.PROPERTY, "tokengate.last-used.interval=" + INTERVAL.toMillis() + "ms");
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void aUsedTokensLastUseIsListedAndIntrospectedWithinTheInterval() {
        String user = "used-" + TestTokens.newToken().substring(0, 6);
        Map<String, Object> issued =
                TestAdmin.issue(gateway.management(), "{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}");
        assertThat(listing(user).get("lastUsedAt")).isNull();
        assertThat(listing(user)).containsKey("lastUsedAt");

        Instant before = Instant.now().minusMillis(1);
        BearerRequests.get(gateway.client(), "/orders/1", (String) issued.get("token"))
                .expectStatus()
                .isOk();

        await().atMost(INTERVAL.multipliedBy(5)).until(() -> listing(user).get("lastUsedAt") != null);
        Instant lastUsed = Instant.parse((String) listing(user).get("lastUsedAt"));
        assertThat(lastUsed).isBetween(before, Instant.now());
        assertThat(admin().post()
                        .uri("/admin/tokens/introspect")
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .bodyValue("token=" + issued.get("token"))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody())
                .containsEntry("last_used", (int) lastUsed.getEpochSecond());
    }

    @Test
    void betweenWritesTheNearCacheHotPathSendsRedisNoCommandAndEachTokenIsWrittenOnceAnInterval() {
        MeterRegistry meters = gateway.bean(MeterRegistry.class);
        String token = tokens.issue("hot", "orders:read");
        NearCacheProbe.untilCached(gateway.client(), meters, token);
        int requests = 300;

        long startedAt = System.nanoTime();
        long commandsBefore = commandsOtherThanInfoAndPing();
        long lookupsBefore = tokens.commandCalls("hgetall");
        long writesBefore = tokens.commandCalls("zadd");
        for (int i = 0; i < requests; i++) {
            BearerRequests.get(gateway.client(), "/orders/1", token)
                    .expectStatus()
                    .isOk();
        }
        long commands = commandsOtherThanInfoAndPing() - commandsBefore;
        long lookups = tokens.commandCalls("hgetall") - lookupsBefore;
        long writes = tokens.commandCalls("zadd") - writesBefore;
        long intervals = Duration.ofNanos(System.nanoTime() - startedAt).dividedBy(INTERVAL);

        // A write is an EVAL running a ZADD per token noted and a ZREMRANGEBYSCORE; the first one here may still
        // carry tokens the class's other tests used (it has fewer than ten), and the near cache's heartbeat comes on
        // its timer. A command per request would be 300.
        assertThat(lookups).isZero();
        assertThat(commands).isLessThanOrEqualTo(15 * (intervals + 1));
        assertThat(writes).isLessThanOrEqualTo(10 * (intervals + 1));
        await().atMost(INTERVAL.multipliedBy(5))
                .until(() -> tokens.redis().zscore("auth:tokens:last-used", hashOf(token)) != null);
    }

    @Test
    void theUnusedQueryListsLiveTokensNeitherUsedNorIssuedInThoseDays() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(40));
        String user = "idle-" + TestTokens.newToken().substring(0, 6);
        String idle = issuedLongAgo(user, longAgo);
        String neverUsed = issuedLongAgo(user, longAgo);
        String usedToday = issuedLongAgo(user, longAgo);
        String issuedToday = (String) TestAdmin.issue(gateway.management(), "{\"user\":\"" + user + "\"}")
                .get("hash");
        tokens.redis()
                .zadd("auth:tokens:last-used", longAgo.plus(Duration.ofDays(5)).toEpochMilli(), idle);
        tokens.redis().zadd("auth:tokens:last-used", Instant.now().toEpochMilli(), usedToday);

        List<Map<String, Object>> unused = unusedOf(user, "days=30");

        assertThat(unused).extracting(token -> token.get("id")).containsExactlyInAnyOrder(idle, neverUsed);
        Map<String, Object> listedIdle = unused.stream()
                .filter(token -> token.get("id").equals(idle))
                .findFirst()
                .orElseThrow();
        assertThat(listedIdle)
                .containsEntry("user", user)
                .containsEntry(
                        "createdAt",
                        Instant.ofEpochMilli(longAgo.toEpochMilli()).toString())
                .containsEntry(
                        "lastUsedAt",
                        Instant.ofEpochMilli(longAgo.plus(Duration.ofDays(5)).toEpochMilli())
                                .toString());
        assertThat(unusedOf(user, "days=36"))
                .extracting(token -> token.get("id"))
                .containsExactly(neverUsed);
        assertThat(unusedOf(user, "days=41")).isEmpty();
        assertThat(unused("days=1&limit=1")).hasSize(1);
        assertThat(unusedOf(user, "days=1"))
                .extracting(token -> token.get("id"))
                .containsExactlyInAnyOrder(idle, neverUsed);
    }

    @Test
    void theUnusedQueryRefusesDaysAndLimitsThatAreNotWholeNumbersInRange() {
        for (String query : List.of("", "days=0", "days=-1", "days=1.5", "days=x", "days=3651", "days=1&days=2")) {
            assertProblem(
                    admin().get().uri("/admin/tokens/unused?" + query).exchange(),
                    HttpStatus.BAD_REQUEST,
                    null,
                    "Give days=N, a whole number of days from 1 to 3650.",
                    "/admin/tokens/unused");
        }
        assertProblem(
                admin().get().uri("/admin/tokens/unused?days=1&limit=0").exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "limit is a whole number from 1 to 10000.",
                "/admin/tokens/unused");
    }

    @Test
    void aRevokedTokensLastUseIsForgotten() {
        Map<String, Object> issued = TestAdmin.issue(gateway.management(), "{\"user\":\"forgotten\"}");
        String hash = (String) issued.get("hash");
        tokens.redis().zadd("auth:tokens:last-used", Instant.now().toEpochMilli(), hash);

        admin().delete()
                .uri("/admin/tokens/{id}", hash)
                .exchange()
                .expectStatus()
                .isNoContent();

        assertThat(tokens.redis().zscore("auth:tokens:last-used", hash)).isNull();
    }

    private String issuedLongAgo(String user, Instant createdAt) {
        String hash = (String) TestAdmin.issue(gateway.management(), "{\"user\":\"" + user + "\"}")
                .get("hash");
        tokens.redis().hset("auth:token:" + hash, "created", Long.toString(createdAt.toEpochMilli()));
        return hash;
    }

    /** The user's tokens among the unused: the test's Redis holds other tests' tokens too. */
    private static List<Map<String, Object>> unusedOf(String user, String query) {
        return unused(query + "&limit=10000").stream()
                .filter(token -> user.equals(token.get("user")))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> unused(String query) {
        return (List<Map<String, Object>>) TestAdmin.read(gateway.management(), "/admin/tokens/unused?" + query)
                .get("tokens");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> listing(String user) {
        return ((List<Map<String, Object>>) TestAdmin.read(gateway.management(), "/admin/users/" + user + "/tokens")
                        .get("tokens"))
                .get(0);
    }

    /** Without this test's INFO, and the connection watch's PING, which comes on a timer whatever the traffic. */
    private long commandsOtherThanInfoAndPing() {
        Matcher calls = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)")
                .matcher(tokens.redis().info("commandstats"));
        long total = 0;
        while (calls.find()) {
            total += List.of("info", "ping").contains(calls.group(1)) ? 0 : Long.parseLong(calls.group(2));
        }
        return total;
    }

    private static String hashOf(String token) {
        return TestTokens.keyOf(token).substring(TestTokens.DEFAULT_PREFIX.length());
    }

    private static WebTestClient admin() {
        return TestAdmin.client(gateway.management());
    }
}
