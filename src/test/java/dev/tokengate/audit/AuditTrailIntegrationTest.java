package dev.tokengate.audit;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenHashing;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every admin action, from two instances on one Redis of its own, each admin with a named credential and one with the
 * unnamed {@code token-sha256}: recorded in the shared stream with who, what, from where and how it ended, and logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuditTrailIntegrationTest {

    private static final String ALICE_TOKEN = "alice-ops-" + TestTokens.newToken();
    private static final String BOB_TOKEN = "bob-oncall-" + TestTokens.newToken();

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance first;
    private static GatewayInstance second;

    @BeforeAll
    static void startTwoInstances() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        String[] credentials = {
            TestAdmin.PROPERTY,
            "tokengate.admin.credentials[0].name=alice",
            "tokengate.admin.credentials[0].token-sha256=" + TokenHashing.sha256Hex(ALICE_TOKEN),
            "tokengate.admin.credentials[1].name=bob.oncall",
            "tokengate.admin.credentials[1].token-sha256=" + TokenHashing.sha256Hex(BOB_TOKEN)
        };
        first = GatewayInstance.start(redis, credentials);
        second = GatewayInstance.start(redis, credentials);
    }

    @AfterAll
    static void stopAll() {
        first.close();
        second.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void everyAdminActionFromEitherInstanceIsRecordedWithWhoWhatWhereAndHowItEnded(CapturedOutput output) {
        Instant start = Instant.now();
        String user =
                "audited-" + TestTokens.newToken().substring(0, 6).toLowerCase().replace('_', 'x');
        String route =
                "audited-" + TestTokens.newToken().substring(0, 6).toLowerCase().replace('_', 'x');
        Map<String, Object> issued = TestAdmin.createdBy(
                as(first, ALICE_TOKEN), "/admin/tokens", "{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}");
        String id = (String) issued.get("hash");
        String prefix = id.substring(0, 12);
        as(second, BOB_TOKEN)
                .patch()
                .uri("/admin/tokens/{id}", prefix)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"label\":\"audited\"}")
                .exchange()
                .expectStatus()
                .isOk();
        Map<String, Object> rotated =
                TestAdmin.createdBy(as(first, TestAdmin.TOKEN), "/admin/tokens/" + id + "/rotate", "{}");
        String successor = ((String) rotated.get("hash")).substring(0, 12);
        as(second, ALICE_TOKEN)
                .delete()
                .uri("/admin/tokens/{id}", id)
                .exchange()
                .expectStatus()
                .isNoContent();
        as(second, ALICE_TOKEN)
                .delete()
                .uri("/admin/tokens/{id}", id)
                .exchange()
                .expectStatus()
                .isNotFound();
        as(first, BOB_TOKEN)
                .delete()
                .uri("/admin/users/{user}/tokens", user)
                .exchange()
                .expectStatus()
                .isOk();
        as(second, BOB_TOKEN)
                .delete()
                .uri("/admin/blocks/203.0.113.7")
                .exchange()
                .expectStatus()
                .isNoContent();
        as(first, ALICE_TOKEN)
                .post()
                .uri("/actuator/gateway/routes/{id}", route)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"uri\":\"" + RecordingUpstream.shared().url()
                        + "\",\"predicates\":[{\"name\":\"Path\",\"args\":{\"_genkey_0\":\"/" + route + "/**\"}}]}")
                .exchange()
                .expectStatus()
                .isCreated();
        as(second, ALICE_TOKEN)
                .post()
                .uri("/actuator/gateway/refresh")
                .exchange()
                .expectStatus()
                .isOk();
        as(first, BOB_TOKEN)
                .delete()
                .uri("/actuator/gateway/routes/{id}", route)
                .exchange()
                .expectStatus()
                .is2xxSuccessful();

        List<Map<String, Object>> entries = audit(second, "limit=100&since=" + start);

        assertThat(entries)
                .extracting(
                        entry -> entry.get("action"),
                        entry -> entry.get("target"),
                        entry -> entry.get("actor"),
                        entry -> entry.get("outcome"),
                        entry -> entry.get("status"))
                .containsExactly(
                        tuple("route.delete", "route:" + route, "bob.oncall", "success", 200),
                        tuple("route.refresh", "-", "alice", "success", 200),
                        tuple("route.save", "route:" + route, "alice", "success", 201),
                        tuple("guard.unblock", "address:203.0.113.7", "bob.oncall", "success", 204),
                        tuple("user.revoke", "user:" + user, "bob.oncall", "success", 200),
                        tuple("token.revoke", "token:" + prefix, "alice", "refused", 404),
                        tuple("token.revoke", "token:" + prefix, "alice", "success", 204),
                        tuple(
                                "token.rotate",
                                "token:" + prefix + " user:" + user + " successor:" + successor,
                                "sha256:" + TestAdmin.TOKEN_SHA256.substring(0, 12),
                                "success",
                                201),
                        tuple("token.patch", "token:" + prefix, "bob.oncall", "success", 200),
                        tuple("token.issue", "user:" + user + " token:" + prefix, "alice", "success", 201));
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.get("address")).isEqualTo("127.0.0.1");
            assertThat(Instant.parse((String) entry.get("time"))).isBetween(start, Instant.now());
        });
        String everything = entries.toString()
                + tokens.redis().xrange(TestTokens.KEYS.audit(), io.lettuce.core.Range.create("-", "+"));
        assertThat(everything)
                .doesNotContain(
                        ALICE_TOKEN,
                        BOB_TOKEN,
                        TestAdmin.TOKEN,
                        (String) issued.get("token"),
                        (String) rotated.get("token"),
                        TokenHashing.sha256Hex(ALICE_TOKEN));
        assertThat(output)
                .contains("tokengate.audit")
                .contains("action=token.issue target=\"user:" + user + " token:" + prefix
                        + "\" actor=alice address=127.0.0.1 outcome=success status=201");
    }

    @Test
    void theTrailIsReadNewestFirstLimitedAndFromATime() {
        String user =
                "paged-" + TestTokens.newToken().substring(0, 6).toLowerCase().replace('_', 'x');
        for (int i = 0; i < 3; i++) {
            as(first, ALICE_TOKEN)
                    .delete()
                    .uri("/admin/users/{user}/tokens", user + i)
                    .exchange();
        }
        List<Map<String, Object>> newest = audit(first, "limit=2");
        assertThat(newest)
                .extracting(entry -> entry.get("target"))
                .containsExactly("user:" + user + 2, "user:" + user + 1);
        String later = Instant.now().plusSeconds(3600).toString();
        assertThat(audit(first, "since=" + later)).isEmpty();
    }

    @Test
    void readsAreNotRecordedAndBadQueriesAreClear400s() {
        List<Map<String, Object>> before = audit(first, "limit=1");
        as(first, ALICE_TOKEN)
                .get()
                .uri("/admin/users/nobody/tokens")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(audit(first, "limit=1")).isEqualTo(before);

        for (String query :
                List.of("since=yesterday", "since=", "since=2026-12-03T08:00:00Z&since=2026-12-04T08:00:00Z")) {
            assertProblem(
                    as(first, ALICE_TOKEN).get().uri("/admin/audit?" + query).exchange(),
                    HttpStatus.BAD_REQUEST,
                    null,
                    "since is an ISO-8601 time in UTC, such as 2026-12-03T08:00:00Z.",
                    "/admin/audit");
        }
        for (String query : List.of(
                "limit=1001",
                "limit=0",
                "limit=-1",
                "limit=",
                "limit=x",
                "limit=1.5",
                "limit=99999999999",
                "limit=1&limit=2")) {
            assertProblem(
                    as(first, ALICE_TOKEN).get().uri("/admin/audit?" + query).exchange(),
                    HttpStatus.BAD_REQUEST,
                    null,
                    "limit is a whole number from 1 to 1000.",
                    "/admin/audit");
        }
    }

    @Test
    void onlyTheQueryIsReadNotHeadersOrABodyOfTheSameNames() {
        as(first, ALICE_TOKEN)
                .method(HttpMethod.GET)
                .uri("/admin/audit")
                .header("limit", "0")
                .header("since", "yesterday")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("limit=0&since=yesterday")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aWrongCredentialIsRefusedAndNotAnAdminAction() {
        long before = tokens.redis().xlen(TestTokens.KEYS.audit());
        as(first, "not-a-credential")
                .delete()
                .uri("/admin/users/someone/tokens")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        assertThat(tokens.redis().xlen(TestTokens.KEYS.audit())).isEqualTo(before);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> audit(GatewayInstance gateway, String query) {
        return (List<Map<String, Object>>)
                TestAdmin.read(gateway.management(), "/admin/audit?" + query).get("entries");
    }

    private static WebTestClient as(GatewayInstance gateway, String adminToken) {
        return gateway.management()
                .mutate()
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + adminToken)
                .build();
    }
}
