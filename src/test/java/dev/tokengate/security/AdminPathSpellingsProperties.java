package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.PathSpellings;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingLeakDetector;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenHashing;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The management port's guard decides on the path the handlers act on, for every spelling of every admin and gateway
 * endpoint path: generated spellings (jqwik) without the admin credential are never answered 2xx and write nothing to
 * Redis; with no admin credential configured they are 404 or 400, always. Sent over raw sockets, to two gateways on a
 * Redis of their own: one with an admin credential, one without.
 */
class AdminPathSpellingsProperties {

    /** Every Redis command that writes, or announces a route change to the other instances. */
    private static final String[] WRITES = {
        "hset", "hdel", "sadd", "srem", "del", "unlink", "set", "eval", "evalsha", "pexpire", "expire", "publish",
        "zadd", "zrem", "xadd"
    };

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance guarded;
    private static GatewayInstance closed;
    private static String victimToken;

    @BeforeContainer
    static void startGateways() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        guarded = GatewayInstance.start(redis, TestAdmin.PROPERTY);
        closed = GatewayInstance.start(redis);
        victimToken = tokens.issue("victim", "orders:read");
        tokens.redis().sadd("auth:user:victim:tokens", TokenHashing.sha256Hex(victimToken));
        RawHttpClient.Response route = asAdmin(new Operation(
                "POST", "/actuator/gateway/routes/victim-route", routeJson("/victim/**"), "application/json"));
        assertThat(route.status()).isEqualTo(201);
    }

    @AfterContainer
    static void stopGateways() {
        guarded.close();
        closed.close();
        tokens.close();
        redis.stop();
        assertThat(RecordingLeakDetector.takeReports()).isEmpty();
    }

    @Property(tries = 600)
    void withoutTheCredentialNoSpellingIsEverAnsweredOrWritesAnything(
            @ForAll("operations") Operation operation,
            @ForAll("notTheAdminCredential") List<String> headers,
            @ForAll Random random) {
        long writes = tokens.commandCalls(WRITES);
        Operation spelled = operation.spelled(random);

        RawHttpClient.Response response = send(guarded, spelled, headers);

        assertThat(response.status()).as(spelled.path()).isIn(400, 401, 404, 405);
        assertThat(tokens.commandCalls(WRITES)).isEqualTo(writes);
        assertThat(tokens.exists(TestTokens.keyOf(victimToken))).isTrue();
    }

    @Property(tries = 400)
    void withNoCredentialConfiguredEverySpellingIs404Or400AndWritesNothing(
            @ForAll("operations") Operation operation, @ForAll Random random) {
        long writes = tokens.commandCalls(WRITES);

        RawHttpClient.Response response =
                send(closed, operation.spelled(random), List.of("Authorization: Bearer " + TestAdmin.TOKEN));

        assertThat(response.status()).isIn(400, 404);
        assertThat(tokens.commandCalls(WRITES)).isEqualTo(writes);
        assertThat(tokens.exists(TestTokens.keyOf(victimToken))).isTrue();
    }

    /** The harness reaches the handlers: with the credential, an encoded spelling of a path is the path itself. */
    @Example
    void withTheCredentialAnEncodedSpellingReachesTheSameHandler() {
        Operation list = new Operation("GET", "/%61dmin/users/victim/tokens", null, null);

        RawHttpClient.Response response = asAdmin(list);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"user\":\"victim\"");
    }

    /** The spellings the issue was found with; each once answered 2xx without any credential. */
    @Example
    void theReportedBypassesAreClosed() {
        for (String path : List.of(
                "/%61dmin/tokens",
                "/admin;/tokens",
                "/admin;x=1/tokens",
                "/actuator;/gateway/routes",
                "/actuator/%67ateway/routes",
                "/%61ctuator/gateway/routes",
                "/actuator/gateway;x=1/routes")) {
            long writes = tokens.commandCalls(WRITES);
            RawHttpClient.Response response = send(
                    guarded,
                    new Operation("POST", path, "{\"user\":\"mallory\",\"scopes\":\"admin\"}", "application/json"),
                    List.of());
            assertThat(response.status()).as(path).isIn(400, 401);
            assertThat(tokens.commandCalls(WRITES)).isEqualTo(writes);
        }
    }

    @Provide
    Arbitrary<Operation> operations() {
        String hash = TokenHashing.sha256Hex(victimToken);
        return Arbitraries.of(
                new Operation(
                        "POST", "/admin/tokens", "{\"user\":\"mallory\",\"scopes\":\"admin\"}", "application/json"),
                new Operation(
                        "POST",
                        "/admin/tokens/introspect",
                        "token=" + victimToken,
                        "application/x-www-form-urlencoded"),
                new Operation("DELETE", "/admin/tokens/" + hash, null, null),
                new Operation("PATCH", "/admin/tokens/" + hash, "{\"scopes\":\"admin\"}", "application/json"),
                new Operation("POST", "/admin/tokens/" + hash + "/rotate", "{\"grace\":\"PT0S\"}", "application/json"),
                new Operation("GET", "/admin/tokens/unused", null, null),
                new Operation("GET", "/admin/audit", null, null),
                new Operation("GET", "/admin/openapi.json", null, null),
                new Operation("DELETE", "/admin/blocks/203.0.113.7", null, null),
                new Operation("GET", "/admin/users/victim/tokens", null, null),
                new Operation("DELETE", "/admin/users/victim/tokens", null, null),
                new Operation("GET", "/actuator/gateway/routes", null, null),
                new Operation("GET", "/actuator/gateway/routedefinitions", null, null),
                new Operation("GET", "/actuator/gateway/globalfilters", null, null),
                new Operation("POST", "/actuator/gateway/routes/evil", routeJson("/evil/**"), "application/json"),
                new Operation("DELETE", "/actuator/gateway/routes/victim-route", null, null),
                new Operation("POST", "/actuator/gateway/refresh", null, null),
                new Operation("GET", "/actuator", null, null));
    }

    /**
     * The audit trail decides on the path the handlers act on: every spelling of an admin action that the gateway
     * carries out (2xx) is recorded once, as that action on that target. The actions here succeed whenever they are
     * reached, so a spelling answered otherwise was refused before any handler.
     */
    @Property(tries = 300)
    void withTheCredentialEverySpellingThatActsIsAuditedAsTheActionItIs(
            @ForAll("actions") AuditedOperation audited, @ForAll Random random) {
        long entries = tokens.redis().xlen(TestTokens.KEYS.audit());
        Operation spelled = audited.operation().spelled(random);

        RawHttpClient.Response response = asAdmin(spelled);

        Statistics.label("carried out").collect(response.status() / 100 == 2);
        if (response.status() / 100 == 2) {
            assertThat(tokens.redis().xlen(TestTokens.KEYS.audit()))
                    .as(spelled.path())
                    .isEqualTo(entries + 1);
            Map<String, String> last = tokens.redis()
                    .xrevrange(
                            TestTokens.KEYS.audit(),
                            io.lettuce.core.Range.create("-", "+"),
                            io.lettuce.core.Limit.from(1))
                    .get(0)
                    .getBody();
            assertThat(last)
                    .as(spelled.path())
                    .containsEntry("action", audited.action())
                    .containsEntry("target", audited.target())
                    .containsEntry("actor", "sha256:" + TestAdmin.TOKEN_SHA256.substring(0, 12));
        } else {
            assertThat(response.status()).as(spelled.path()).isIn(400, 404);
            assertThat(tokens.redis().xlen(TestTokens.KEYS.audit()))
                    .as(spelled.path())
                    .isEqualTo(entries);
        }
    }

    /** Not vacuous: an encoded spelling is carried out, and recorded as the canonical action and target. */
    @Example
    void anEncodedSpellingOfAnActionIsRecordedAsTheActionItIs() {
        long entries = tokens.redis().xlen(TestTokens.KEYS.audit());

        RawHttpClient.Response response =
                asAdmin(new Operation("DELETE", "/%61dmin/users/n%6Fbody/tokens", null, null));

        assertThat(response.status()).isEqualTo(200);
        assertThat(tokens.redis().xlen(TestTokens.KEYS.audit())).isEqualTo(entries + 1);
        assertThat(tokens.redis()
                        .xrevrange(
                                TestTokens.KEYS.audit(),
                                io.lettuce.core.Range.create("-", "+"),
                                io.lettuce.core.Limit.from(1))
                        .get(0)
                        .getBody())
                .containsEntry("action", "user.revoke")
                .containsEntry("target", "user:nobody");
    }

    @Provide
    Arbitrary<AuditedOperation> actions() {
        return Arbitraries.of(
                new AuditedOperation(
                        new Operation("DELETE", "/admin/blocks/203.0.113.7", null, null),
                        "guard.unblock",
                        "address:203.0.113.7"),
                new AuditedOperation(
                        new Operation("DELETE", "/admin/users/nobody/tokens", null, null),
                        "user.revoke",
                        "user:nobody"),
                new AuditedOperation(
                        new Operation("POST", "/actuator/gateway/refresh", null, null), "route.refresh", "-"));
    }

    record AuditedOperation(Operation operation, String action, String target) {}

    /** No Authorization, a wrong token, the right token under another scheme, the right one twice. */
    @Provide
    Arbitrary<List<String>> notTheAdminCredential() {
        return Arbitraries.of(
                List.of(),
                List.of("Authorization: Bearer not-" + TestAdmin.TOKEN),
                List.of("Authorization: Basic " + TestAdmin.TOKEN),
                List.of("Authorization: Bearer " + TestAdmin.TOKEN + " " + TestAdmin.TOKEN),
                List.of("Authorization: Bearer " + TestAdmin.TOKEN, "Authorization: Bearer " + TestAdmin.TOKEN));
    }

    private static RawHttpClient.Response asAdmin(Operation operation) {
        return send(guarded, operation, List.of("Authorization: Bearer " + TestAdmin.TOKEN));
    }

    private static RawHttpClient.Response send(GatewayInstance gateway, Operation operation, List<String> headers) {
        List<String> lines = new java.util.ArrayList<>(headers);
        if (operation.contentType() != null) {
            lines.add("Content-Type: " + operation.contentType());
        }
        return new RawHttpClient(gateway.managementPort())
                .request(operation.method(), operation.path(), lines, operation.body());
    }

    private static String routeJson(String path) {
        return "{\"uri\":\"http://127.0.0.1:9\",\"predicates\":[{\"name\":\"Path\",\"args\":{\"_genkey_0\":\"" + path
                + "\"}}],\"metadata\":{\"auth\":\"none\"}}";
    }

    record Operation(String method, String path, String body, String contentType) {

        Operation spelled(Random random) {
            return new Operation(method, PathSpellings.spell(path, random), body, contentType);
        }
    }
}
