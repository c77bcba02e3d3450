package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway as a Redis user that may do exactly what the README's {@code ACL SETUSER} line allows, read from the
 * README itself: every feature that touches Redis works, and Redis's {@code ACL LOG} records nothing denied.
 */
class RedisAclIntegrationTest {

    static final String USER = "tokengate";
    static final String PASSWORD = "acl-test-password";

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startRedisWithTheReadmeAclAndAGatewayUsingIt() throws IOException {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        List<String> acl = readmeAclLine();
        tokens.redis()
                .dispatch(
                        CommandType.ACL,
                        new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).addValues(acl.subList(1, acl.size())));
        tokens.redis().aclLogReset();
        gateway = GatewayInstance.start(
                redis,
                "spring.data.redis.username=" + USER,
                "spring.data.redis.password=" + PASSWORD,
                "tokengate.auth.failed-attempts-per-minute=60",
                "tokengate.last-used.interval=200ms",
                TestAdmin.PROPERTY);
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        tokens.close();
        redis.stop();
    }

    /** The README's line, with its placeholder password replaced: {@code ACL SETUSER tokengate on >...}. */
    static List<String> readmeAclLine() throws IOException {
        String line = Files.readAllLines(Path.of("docs/operations.md")).stream()
                .map(String::trim)
                .filter(text -> text.startsWith("ACL SETUSER " + USER + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("docs/operations.md has no 'ACL SETUSER tokengate' line"));
        return Arrays.stream(line.split("\\s+"))
                .map(word -> word.startsWith(">") ? ">" + PASSWORD : word)
                .toList();
    }

    @Test
    void everyFeatureThatUsesRedisWorksAndRedisDeniesNothing() {
        WebTestClient admin = TestAdmin.client(gateway.management());
        MeterRegistry meters = gateway.bean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.bean(InvalidationTracker.class).isTracking());

        Map<String, Object> issued = TestAdmin.issue(
                gateway.management(), "{\"user\":\"acl-user\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}");
        String token = (String) issued.get("token");
        NearCacheProbe.untilCached(gateway.client(), meters, token);
        await().atMost(Duration.ofSeconds(5))
                .alias("the last use was written (see ACL LOG if not)")
                .until(() -> tokens.redis().zscore(TestTokens.KEYS.lastUsed(), (String) issued.get("hash")) != null);
        String fingerprint = "cd".repeat(32);
        TestAdmin.created(
                gateway.management(),
                "/admin/certificates",
                "{\"user\":\"acl-user\",\"fingerprint\":\"" + fingerprint + "\"}");
        admin.post()
                .uri("/admin/tokens/" + fingerprint + "/rotate")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.CONFLICT);
        admin.delete()
                .uri("/admin/certificates/" + fingerprint)
                .exchange()
                .expectStatus()
                .isNoContent();
        admin.get()
                .uri("/admin/users/acl-user/tokens")
                .exchange()
                .expectBody()
                .jsonPath("$.tokens.length()")
                .isEqualTo(1);
        admin.post()
                .uri("/admin/tokens/introspect")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("token=" + token)
                .exchange()
                .expectBody()
                .jsonPath("$.active")
                .isEqualTo(true);
        BearerRequests.get(gateway.client(), "/orders/1", TestTokens.newToken())
                .expectStatus()
                .isUnauthorized();
        assertThat(tokens.redis().keys(TestTokens.KEYS.failedAttempts("*")))
                .as("the guard counted the attempt; ACL LOG: %s", tokens.redis().aclLog())
                .isNotEmpty();
        admin.delete().uri("/admin/blocks/127.0.0.1").exchange().expectStatus().isNoContent();
        assertThat(tokens.redis().keys(TestTokens.KEYS.failedAttempts("*"))).isEmpty();
        BearerRequests.get(gateway.client(), "/limited/1", token).expectStatus().isOk();
        assertThat(tokens.redis().keys("request_rate_limiter.*"))
                .as("the rate limiter (which lets requests through when Redis refuses it) counted")
                .isNotEmpty();
        addRuntimeRoute(admin);

        admin.patch()
                .uri("/admin/tokens/{id}", issued.get("hash"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"scopes\":\"orders:read orders:write\",\"ttl\":\"PT2H\"}")
                .exchange()
                .expectStatus()
                .isOk();
        admin.post()
                .uri("/admin/tokens/{id}/rotate", issued.get("hash"))
                .exchange()
                .expectStatus()
                .isCreated();
        // by a prefix of its id: a SCAN of the token keys
        admin.delete()
                .uri("/admin/tokens/" + issued.get("hash").toString().substring(0, 16))
                .exchange()
                .expectStatus()
                .isNoContent();
        BearerRequests.get(gateway.client(), "/orders/1", token).expectStatus().isUnauthorized();
        admin.delete()
                .uri("/admin/users/acl-user/tokens")
                .exchange()
                .expectStatus()
                .isOk();
        admin.get()
                .uri("/admin/audit?limit=1")
                .exchange()
                .expectBody()
                .jsonPath("$.entries[0].action")
                .isEqualTo("user.revoke");
        gateway.management()
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(tokens.redis().aclLog())
                .as("commands, keys or channels Redis denied")
                .isEmpty();
    }

    @Test
    void theUserCanDoNothingElse() {
        RedisClient client = RedisClient.create(RedisURI.builder(RedisURI.create(redis.uri()))
                .withAuthentication(USER, PASSWORD)
                .build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> asGateway = connection.sync();
            assertThatThrownBy(asGateway::flushall).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> asGateway.get("session:abc")).hasMessageContaining("NOPERM");
            assertThatThrownBy(() -> asGateway.configGet("*")).isInstanceOf(RedisCommandExecutionException.class);
            assertThatThrownBy(() -> asGateway.publish("other-channel", "x")).hasMessageContaining("NOPERM");
        } finally {
            client.shutdown();
            tokens.redis().aclLogReset();
        }
    }

    private static void addRuntimeRoute(WebTestClient admin) {
        admin.post()
                .uri("/actuator/gateway/routes/acl-route")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"uri\":\"" + RecordingUpstream.shared().url() + "\",\"predicates\":[{\"name\":\"Path\","
                        + "\"args\":{\"_genkey_0\":\"/acl-route/**\"}}],\"metadata\":{\"auth\":\"none\"}}")
                .exchange()
                .expectStatus()
                .isCreated();
        admin.post().uri("/actuator/gateway/refresh").exchange().expectStatus().isOk();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> gateway.client()
                        .get()
                        .uri("/acl-route/x")
                        .exchange()
                        .expectStatus()
                        .isOk());
    }
}
