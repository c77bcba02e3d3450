package dev.tokengate.admin;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenHashing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The token administration API on the management port, against the real Redis and the real gateway. */
@TestPropertySource(properties = TestAdmin.PROPERTY)
class AdminApiIntegrationTest extends GatewayIntegrationTest {

    @Test
    void adminTokenHashInTheTestIsTheHashOfTheAdminToken() {
        assertThat(TokenHashing.sha256Hex(TestAdmin.TOKEN)).isEqualTo(TestAdmin.TOKEN_SHA256);
    }

    @Test
    void issuedTokenIsShownOnceWithItsIdWorksAtTheGatewayAndOnlyItsHashIsStored() {
        Map<String, Object> issued = issue("{\"user\":\"ivy\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}");

        String token = (String) issued.get("token");
        String hash = (String) issued.get("id");
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(hash).isEqualTo(TokenHashing.sha256Hex(token));
        assertThat(issued).as("hash, kept for older scripts").containsEntry("hash", hash);
        assertThat(issued)
                .containsEntry("user", "ivy")
                .containsEntry("scopes", "orders:read")
                .containsKey("expiresAt");
        assertThat(tokens.redis().hgetall("auth:token:" + hash)).containsEntry("user", "ivy");
        assertThat(tokens.redis().pttl("auth:token:" + hash)).isBetween(3_590_000L, 3_600_000L);
        assertThat(tokens.redis().smembers("auth:user:ivy:tokens")).contains(hash);
        assertThat(tokens.redis().keys("*" + token + "*")).isEmpty();
        bearer("/orders/1", token).expectStatus().isOk();
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("ivy");
    }

    @Test
    void listingShowsIdsScopesAndExpiryPrunesExpiredTokensAndNeverShowsAToken() {
        String user = "lister-" + TestTokens.newToken().substring(0, 6);
        Map<String, Object> kept = issue("{\"user\":\"" + user + "\",\"scopes\":\"a b\",\"ttl\":\"PT2H\"}");
        Map<String, Object> expiring = issue("{\"user\":\"" + user + "\",\"ttl\":\"PT2H\"}");
        tokens.redis().pexpire("auth:token:" + expiring.get("hash"), 1);
        await().atMost(Duration.ofSeconds(2)).until(() -> !tokens.exists("auth:token:" + expiring.get("hash")));

        byte[] listing = admin().get()
                .uri("/admin/users/{user}/tokens", user)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.tokens.length()")
                .isEqualTo(1)
                .jsonPath("$.tokens[0].id")
                .isEqualTo(kept.get("hash"))
                .jsonPath("$.tokens[0].hashPrefix")
                .isEqualTo(((String) kept.get("hash")).substring(0, 12))
                .jsonPath("$.tokens[0].scopes")
                .isEqualTo("a b")
                .jsonPath("$.tokens[0].expiresInSeconds")
                .value(Integer.class, seconds -> assertThat(seconds).isBetween(7_190, 7_200))
                .jsonPath("$.tokens[0].expiresAt")
                .value(
                        String.class,
                        expiresAt -> assertThat(Instant.parse(expiresAt))
                                .isBetween(
                                        Instant.now().plus(Duration.ofMinutes(119)),
                                        Instant.now().plus(Duration.ofHours(2))))
                .returnResult()
                .getResponseBodyContent();

        assertThat(new String(listing, StandardCharsets.UTF_8)).doesNotContain((String) kept.get("token"));
        assertThat(tokens.redis().smembers("auth:user:" + user + ":tokens")).containsExactly((String) kept.get("hash"));
    }

    @Test
    void revokedTokenIsRefusedAndLeavesTheIndex() {
        Map<String, Object> issued = issue("{\"user\":\"rex\",\"scopes\":\"orders:read\"}");
        String token = (String) issued.get("token");
        bearer("/orders/1", token).expectStatus().isOk();

        admin().delete()
                .uri("/admin/tokens/{hash}", issued.get("hash"))
                .exchange()
                .expectStatus()
                .isNoContent();

        bearer("/orders/1", token).expectStatus().isUnauthorized();
        assertThat(tokens.redis().smembers("auth:user:rex:tokens")).doesNotContain((String) issued.get("hash"));
        admin().delete()
                .uri("/admin/tokens/{hash}", issued.get("hash"))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aListedTokenIsRevokedByItsListedId() {
        String user = "listed-" + TestTokens.newToken().substring(0, 6);
        String token = (String)
                issue("{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}").get("token");
        AtomicReference<String> id = new AtomicReference<>();
        listed(user, "$.tokens[0].id", id::set);

        admin().delete()
                .uri("/admin/tokens/{id}", id.get())
                .exchange()
                .expectStatus()
                .isNoContent();

        bearer("/orders/1", token).expectStatus().isUnauthorized();
        assertThat(tokens.redis().exists("auth:token:" + TokenHashing.sha256Hex(token)))
                .isZero();
    }

    @Test
    void aTokenIsRevokedByAPrefixOfItsIdOfAtLeastTwelveDigits() {
        Map<String, Object> issued = issue("{\"user\":\"pia\",\"scopes\":\"orders:read\"}");
        String hash = (String) issued.get("hash");
        bearer("/orders/1", (String) issued.get("token")).expectStatus().isOk();

        admin().delete()
                .uri("/admin/tokens/{id}", hash.substring(0, 12))
                .exchange()
                .expectStatus()
                .isNoContent();

        bearer("/orders/1", (String) issued.get("token")).expectStatus().isUnauthorized();
        assertThat(tokens.redis().exists("auth:token:" + hash)).isZero();
        assertThat(tokens.redis().smembers("auth:user:pia:tokens")).doesNotContain(hash);
    }

    /** Two stored hashes share the first 20 digits; ops' own keys count, whoever wrote them. */
    @Test
    void aPrefixTwoTokensShareIsRefusedAndRevokesNothing() {
        String shared = TokenHashing.sha256Hex(TestTokens.newToken()).substring(0, 20);
        String first =
                shared + "0" + TokenHashing.sha256Hex(TestTokens.newToken()).substring(21);
        String second =
                shared + "1" + TokenHashing.sha256Hex(TestTokens.newToken()).substring(21);
        tokens.redis().hset("auth:token:" + first, Map.of("user", "twin-a", "scopes", ""));
        tokens.redis().hset("auth:token:" + second, Map.of("user", "twin-b", "scopes", ""));

        assertProblem(
                admin().delete().uri("/admin/tokens/{id}", shared).exchange(),
                HttpStatus.CONFLICT,
                null,
                "More than one token's id starts with " + shared + ": give more of its digits.",
                "/admin/tokens/" + shared);
        assertThat(tokens.redis().exists("auth:token:" + first, "auth:token:" + second))
                .isEqualTo(2);

        admin().delete()
                .uri("/admin/tokens/{id}", first.substring(0, 21))
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat(tokens.redis().exists("auth:token:" + first)).isZero();
        assertThat(tokens.redis().exists("auth:token:" + second)).isOne();
        tokens.redis().del("auth:token:" + second);
    }

    /** What a prefix is matched against is only ever hex digits: glob characters, however spelled, are refused. */
    @Test
    void anIdThatIsNotHexDigitsIsRefusedBeforeRedisIsAsked() {
        String hash =
                (String) issue("{\"user\":\"glob\",\"scopes\":\"orders:read\"}").get("hash");
        for (String id : List.of(
                hash.substring(0, 11),
                hash.substring(0, 12).toUpperCase(Locale.ROOT),
                hash.substring(0, 11) + "*",
                hash.substring(0, 11) + "%2A",
                hash.substring(0, 11) + "?",
                hash.substring(0, 11) + "[0-9a-f]",
                hash + "0")) {
            admin().delete()
                    .uri("/admin/tokens/{id}", id) // every character but letters and digits percent-encoded
                    .exchange()
                    .expectStatus()
                    .isBadRequest();
        }
        assertThat(tokens.redis().exists("auth:token:" + hash)).isOne();
    }

    @Test
    void patchedScopesTakeEffectAtTheGatewayAndTheTokenKeepsItsUserAndLifetime() {
        Map<String, Object> issued = issue("{\"user\":\"pat\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}");
        String token = (String) issued.get("token");
        String hash = (String) issued.get("hash");
        bearer("/orders/1", token).expectStatus().isOk();

        patch(hash.substring(0, 12), "{\"scopes\":\"billing:read\"}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(hash)
                .jsonPath("$.scopes")
                .isEqualTo("billing:read")
                .jsonPath("$.expiresInSeconds")
                .value(Integer.class, seconds -> assertThat(seconds).isBetween(3_590, 3_600));

        assertThat(tokens.redis().hgetall("auth:token:" + hash))
                .containsEntry("user", "pat")
                .containsEntry("scopes", "billing:read");
        assertThat(tokens.redis().pttl("auth:token:" + hash)).isBetween(3_590_000L, 3_600_000L);
        // the near cache held the old scopes; Redis's invalidation ends them well within the cache's 5 minutes
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> bearer("/orders/1", token).expectStatus().isForbidden());
    }

    @Test
    void aPatchedLifetimeReplacesTheRemainingOneAndLeavesTheScopes() {
        String hash = (String) issue("{\"user\":\"pat\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}")
                .get("hash");

        patch(hash, "{\"ttl\":\"PT2H\"}").expectStatus().isOk();

        assertThat(tokens.redis().pttl("auth:token:" + hash)).isBetween(7_190_000L, 7_200_000L);
        assertThat(tokens.redis().hgetall("auth:token:" + hash)).containsEntry("scopes", "orders:read");
    }

    @Test
    void patchingARevokedTokenIsNotFoundAndCreatesNoKey() {
        String hash =
                (String) issue("{\"user\":\"pat\",\"scopes\":\"orders:read\"}").get("hash");
        revoke(hash);

        assertProblem(
                patch(hash, "{\"scopes\":\"orders:read orders:write\",\"ttl\":\"PT1H\"}"),
                HttpStatus.NOT_FOUND,
                null,
                "No token with this id.",
                "/admin/tokens/" + hash);
        assertThat(tokens.redis().exists("auth:token:" + hash)).isZero();
    }

    @Test
    void aPatchThatCannotBeReadChangesNothing() {
        String hash = (String) issue("{\"user\":\"pat\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}")
                .get("hash");
        Map<String, String> refusals = Map.of(
                "{}", "Body must be a JSON object with one or more of 'scopes', 'label' and 'ttl'.",
                "{\"scope\":\"orders:write\"}", "Unknown field 'scope'.",
                "{\"ttl\":\"forever\"}", "'ttl' must be an ISO-8601 duration such as PT24H.",
                "{\"ttl\":\"PT0S\"}", "'ttl' must be positive and at most PT2160H (tokengate.admin.max-ttl).",
                "{\"scopes\":\"a\\u0000b\"}", "'scopes' must be a string of space-separated visible ASCII words.",
                "[]", "Body must be a JSON object with one or more of 'scopes', 'label' and 'ttl'.");
        refusals.forEach((body, detail) ->
                assertProblem(patch(hash, body), HttpStatus.BAD_REQUEST, null, detail, "/admin/tokens/" + hash));

        assertThat(tokens.redis().hgetall("auth:token:" + hash)).containsEntry("scopes", "orders:read");
        assertThat(tokens.redis().pttl("auth:token:" + hash)).isBetween(3_500_000L, 3_600_000L);
    }

    @Test
    void aRotatedTokenWorksNextToItsSuccessorForTheGraceThenIsRefused() {
        String user = "rot-" + TestTokens.newToken().substring(0, 6);
        Map<String, Object> old = issue("{\"user\":\"" + user + "\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}");
        String oldToken = (String) old.get("token");
        String oldHash = (String) old.get("hash");
        bearer("/orders/1", oldToken).expectStatus().isOk();

        Map<String, Object> rotated = rotate(oldHash.substring(0, 12), "{\"grace\":\"PT5S\"}");

        String newToken = (String) rotated.get("token");
        assertThat(rotated)
                .containsEntry("id", TokenHashing.sha256Hex(newToken))
                .containsEntry("hash", TokenHashing.sha256Hex(newToken))
                .containsEntry("user", user)
                .containsEntry("scopes", "orders:read")
                .containsEntry(
                        "rotated",
                        Map.of("id", oldHash, "expiresAt", ((Map<?, ?>) rotated.get("rotated")).get("expiresAt")));
        assertThat(Instant.parse((String) ((Map<?, ?>) rotated.get("rotated")).get("expiresAt")))
                .isBefore(Instant.now().plusSeconds(6));
        assertThat(tokens.redis().pttl("auth:token:" + oldHash)).isBetween(1L, 5_000L);
        assertThat(tokens.redis().pttl("auth:token:" + rotated.get("hash"))).isBetween(86_390_000L, 86_400_000L);
        bearer("/orders/1", newToken).expectStatus().isOk();
        bearer("/orders/1", oldToken).expectStatus().isOk();

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> bearer("/orders/1", oldToken).expectStatus().isUnauthorized());
        bearer("/orders/1", newToken).expectStatus().isOk();
        assertThat(tokens.redis().smembers("auth:user:" + user + ":tokens")).contains((String) rotated.get("hash"));
    }

    @Test
    void aRotationWithoutGraceRevokesTheOldTokenAtOnce() {
        String user = "leak-" + TestTokens.newToken().substring(0, 6);
        Map<String, Object> old = issue("{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}");
        String oldToken = (String) old.get("token");
        bearer("/orders/1", oldToken).expectStatus().isOk();

        Map<String, Object> rotated = rotate((String) old.get("hash"), "{\"grace\":\"PT0S\",\"ttl\":\"PT2H\"}");

        assertThat(tokens.redis().exists("auth:token:" + old.get("hash"))).isZero();
        assertThat(tokens.redis().smembers("auth:user:" + user + ":tokens"))
                .containsExactly((String) rotated.get("hash"));
        assertThat(tokens.redis().pttl("auth:token:" + rotated.get("hash"))).isBetween(7_190_000L, 7_200_000L);
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> bearer("/orders/1", oldToken).expectStatus().isUnauthorized());
        bearer("/orders/1", (String) rotated.get("token")).expectStatus().isOk();
    }

    @Test
    void theDefaultGraceNeverLengthensTheOldTokensLife() {
        Map<String, Object> shortLived = issue("{\"user\":\"rot\",\"ttl\":\"PT10M\"}");
        Map<String, Object> longLived = issue("{\"user\":\"rot\",\"ttl\":\"PT3H\"}");

        admin().post()
                .uri("/admin/tokens/{id}/rotate", shortLived.get("hash"))
                .exchange()
                .expectStatus()
                .isCreated();
        admin().post()
                .uri("/admin/tokens/{id}/rotate", longLived.get("hash"))
                .exchange()
                .expectStatus()
                .isCreated();

        assertThat(tokens.redis().pttl("auth:token:" + shortLived.get("hash"))).isBetween(590_000L, 600_000L);
        assertThat(tokens.redis().pttl("auth:token:" + longLived.get("hash"))).isBetween(3_590_000L, 3_600_000L);
    }

    @Test
    void rotatingARevokedTokenIsNotFoundAndIssuesNothing() {
        String user = "gone-" + TestTokens.newToken().substring(0, 6);
        String hash = (String) issue("{\"user\":\"" + user + "\"}").get("hash");
        revoke(hash);

        assertProblem(
                admin().post().uri("/admin/tokens/{id}/rotate", hash).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "No token with this id.",
                "/admin/tokens/" + hash + "/rotate");
        assertThat(tokens.redis().exists("auth:user:" + user + ":tokens")).isZero();
    }

    @Test
    void aRotationThatCannotBeReadChangesNothing() {
        String hash = (String) issue("{\"user\":\"rot\",\"ttl\":\"PT1H\"}").get("hash");
        Map<String, String> refusals = Map.of(
                "{\"grace\":\"soon\"}", "'grace' must be an ISO-8601 duration such as PT30S, PT0S to revoke at once.",
                "{\"grace\":\"-PT1S\"}",
                        "'grace' must be zero or positive and at most PT2160H (tokengate.admin.max-ttl).",
                "{\"graze\":\"PT1S\"}", "Unknown field 'graze'.",
                "{\"ttl\":\"PT0S\"}", "'ttl' must be positive and at most PT2160H (tokengate.admin.max-ttl).");
        refusals.forEach((body, detail) -> assertBadRequest("/admin/tokens/" + hash + "/rotate", body, detail));

        assertThat(tokens.redis().pttl("auth:token:" + hash)).isBetween(3_500_000L, 3_600_000L);
        assertThat(tokens.redis().smembers("auth:user:rot:tokens")).contains(hash);
    }

    @Test
    void aLabelGivenAtIssueIsListedWithWhenTheTokenWasIssuedAndCanBeChangedOrRemoved() {
        String user = "label-" + TestTokens.newToken().substring(0, 6);
        Instant before = Instant.now().minusMillis(1);
        Map<String, Object> issued = issue("{\"user\":\"" + user + "\",\"label\":\"  ci deploy key \"}");
        Instant after = Instant.now().plusMillis(1);
        String hash = (String) issued.get("hash");
        assertThat(issued).containsEntry("label", "ci deploy key");
        assertThat(tokens.redis().hgetall("auth:token:" + hash)).containsEntry("label", "ci deploy key");

        listed(user, "$.tokens[0].label", label -> assertThat(label).isEqualTo("ci deploy key"));
        listed(
                user,
                "$.tokens[0].createdAt",
                createdAt -> assertThat(Instant.parse(createdAt)).isBetween(before, after));

        patch(hash, "{\"label\":\"release key\"}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.label")
                .isEqualTo("release key");
        Map<String, Object> rotated = rotate(hash, "{\"grace\":\"PT0S\"}");
        assertThat(rotated).containsEntry("label", "release key");
        patch((String) rotated.get("hash"), "{\"label\":\"\"}")
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.label")
                .doesNotExist();
        listed(user, "$.tokens[0].id", id -> assertThat(id).isEqualTo(rotated.get("hash")));
    }

    @Test
    void aLabelThatIsNotPrintableAsciiIsRefused() {
        String user = "label-" + TestTokens.newToken().substring(0, 6);
        String detail = "'label' must be at most 256 printable ASCII characters.";
        assertBadRequest("{\"user\":\"" + user + "\",\"label\":\"a\\u0007b\"}", detail);
        assertBadRequest("{\"user\":\"" + user + "\",\"label\":\"" + "x".repeat(257) + "\"}", detail);
        assertBadRequest("{\"user\":\"" + user + "\",\"label\":[\"x\"]}", detail);
        assertThat(tokens.redis().exists("auth:user:" + user + ":tokens")).isZero();
    }

    @Test
    void revokingAllOfAUsersTokensRefusesEveryOne() {
        String user = "many-" + TestTokens.newToken().substring(0, 6);
        String first = (String)
                issue("{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}").get("token");
        String second = (String)
                issue("{\"user\":\"" + user + "\",\"scopes\":\"orders:read\"}").get("token");

        admin().delete()
                .uri("/admin/users/{user}/tokens", user)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.revoked")
                .isEqualTo(2);

        bearer("/orders/1", first).expectStatus().isUnauthorized();
        bearer("/orders/1", second).expectStatus().isUnauthorized();
        assertThat(tokens.redis().exists("auth:user:" + user + ":tokens")).isZero();
    }

    @Test
    void introspectionSaysWhetherATokenIsActive() {
        String token = (String) issue("{\"user\":\"ina\",\"scopes\":\"orders:read\",\"ttl\":\"PT1H\"}")
                .get("token");

        admin().post()
                .uri("/admin/tokens/introspect")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("token=" + token)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.active")
                .isEqualTo(true)
                .jsonPath("$.sub")
                .isEqualTo("ina")
                .jsonPath("$.scope")
                .isEqualTo("orders:read")
                .jsonPath("$.exp")
                .isNumber();
        admin().post()
                .uri("/admin/tokens/introspect")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"token\":\"" + TestTokens.newToken() + "\"}")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.active")
                .isEqualTo(false)
                .jsonPath("$.sub")
                .doesNotExist();
    }

    @Test
    void invalidRequestsAreClear400sAndWriteNothing() {
        String user = "invalid-" + TestTokens.newToken().substring(0, 6);
        assertBadRequest("{\"user\":\"" + user + "\",\"role\":\"admin\"}", "Unknown field 'role'.");
        assertBadRequest("{\"user\":\"\"}", "'user' must be 1 to 256 visible ASCII characters without spaces.");
        assertBadRequest(
                "{\"user\":[\"" + user + "\"]}", "'user' must be 1 to 256 visible ASCII characters without spaces.");
        assertBadRequest("{\"user\":\"a b\"}", "'user' must be 1 to 256 visible ASCII characters without spaces.");
        assertBadRequest(
                "{\"user\":\"" + user + "\",\"scopes\":{\"a\":1}}",
                "'scopes' must be a string of space-separated visible ASCII words.");
        assertBadRequest(
                "{\"user\":\"" + user + "\",\"scopes\":\"a\\u0000b\"}",
                "'scopes' must be a string of space-separated visible ASCII words.");
        assertBadRequest(
                "{\"user\":\"" + user + "\",\"ttl\":\"24 hours\"}",
                "'ttl' must be an ISO-8601 duration such as PT24H.");
        assertBadRequest(
                "{\"user\":\"" + user + "\",\"ttl\":\"P100D\"}",
                "'ttl' must be positive and at most PT2160H (tokengate.admin.max-ttl).");
        assertBadRequest("not json", "Body is not JSON.");
        assertBadRequest(
                "[\"" + user + "\"]", "Body must be a JSON object with 'user', optional 'scopes', 'label' and 'ttl'.");
        assertBadRequest("", "Body must be a JSON object with 'user', optional 'scopes', 'label' and 'ttl'.");
        assertThat(tokens.redis().exists("auth:user:" + user + ":tokens")).isZero();
    }

    /** Jackson's usual reading of JSON scalars, as the README says: a number user is its text, a number ttl seconds. */
    @Test
    void numbersAreReadAsJacksonReadsThem() {
        Map<String, Object> issued = issue("{\"user\":4242,\"ttl\":3600}");

        assertThat(issued).containsEntry("user", "4242");
        assertThat(tokens.redis().pttl("auth:token:" + issued.get("hash"))).isBetween(3_590_000L, 3_600_000L);
    }

    /** Every refusal of the admin API is the gateway's one problem shape, with the request's path as instance. */
    @Test
    void refusalsOfPathsAndIntrospectionAreProblemsWithTheirInstance() {
        assertProblem(
                admin().delete().uri("/admin/tokens/not-a-hash").exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "A token id is the token's hash, 64 lowercase hex digits, or the first 12 or more of them.",
                "/admin/tokens/not-a-hash");
        String unknownHash = TokenHashing.sha256Hex(TestTokens.newToken());
        assertProblem(
                admin().delete().uri("/admin/tokens/" + unknownHash).exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "No token with this id.",
                "/admin/tokens/" + unknownHash);
        assertProblem(
                admin().get().uri("/admin/users/{user}/tokens", "a b").exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Invalid user.",
                "/admin/users/a%20b/tokens");
        assertProblem(
                admin().post()
                        .uri("/admin/tokens/introspect")
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .bodyValue("other=1")
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Missing 'token'.",
                "/admin/tokens/introspect");
        assertProblem(
                admin().post()
                        .uri("/admin/tokens/introspect")
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"token\":")
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                "Body is not JSON.",
                "/admin/tokens/introspect");
        assertProblem(
                admin().get().uri("/admin/no-such-thing").exchange(),
                HttpStatus.NOT_FOUND,
                null,
                "No route matches this request.",
                "/admin/no-such-thing");
    }

    @Test
    void adminApiNeedsTheAdminToken() {
        TestAdmin.assertNeedsAdminCredential(management, "/admin/users/ivy/tokens");
    }

    /** A Prometheus that sends a bearer token of its own (a service account's, say) still scrapes. */
    @Test
    void healthAndPrometheusAreOpenWhateverBearerTokenComesWithThem() {
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/prometheus")) {
            management
                    .get()
                    .uri(path)
                    .header(HttpHeaders.AUTHORIZATION, "Bearer a-service-account-token")
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
    }

    @Test
    void healthShowsComponentsAndDetailsOnlyWithTheAdminCredential() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin().get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectBody(String.class)
                        .returnResult()
                        .getResponseBody()
                        .contains("\"tracking\":true"));
        admin().get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.components.redis.status")
                .isEqualTo("UP")
                .jsonPath("$.components.redis.details.mode")
                .isEqualTo("standalone")
                .jsonPath("$.components.redis.details.address")
                .isEqualTo(redis.host() + ":" + redis.port())
                .jsonPath("$.components.redis.details.lastPingMillis")
                .isNumber()
                .jsonPath("$.components.nearCache.details.tracking")
                .isEqualTo(true)
                .jsonPath("$.components.nearCache.details.nodesTracking")
                .isEqualTo("1 of 1");

        for (String authorization :
                new String[] {null, "Bearer a-service-account-token", "Bearer " + TestAdmin.TOKEN + "x"}) {
            WebTestClient.RequestHeadersSpec<?> request = management.get().uri("/actuator/health");
            if (authorization != null) {
                request = request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            request.exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP")
                    .jsonPath("$.components")
                    .doesNotExist();
        }
    }

    @Test
    void everyOtherManagementPathNeedsTheAdminToken() {
        TestAdmin.assertNeedsAdminCredential(management, "/actuator");
        TestAdmin.assertNeedsAdminCredential(management, "/actuator/no-such-endpoint");
        TestAdmin.assertNeedsAdminCredential(management, "/no-such-path");
    }

    @Test
    void adminApiIsNotOnTheClientPort() {
        client.post()
                .uri("/admin/tokens")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestAdmin.TOKEN)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"user\":\"eve\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private void assertBadRequest(String body, String detail) {
        assertBadRequest("/admin/tokens", body, detail);
    }

    /** A {@code POST} of {@code body} to {@code path} is a 400 problem with this detail. */
    private void assertBadRequest(String path, String body, String detail) {
        assertProblem(
                admin().post()
                        .uri(path)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange(),
                HttpStatus.BAD_REQUEST,
                null,
                detail,
                path);
    }

    private Map<String, Object> issue(String body) {
        return TestAdmin.issue(management, body);
    }

    private Map<String, Object> rotate(String id, String json) {
        return TestAdmin.created(management, "/admin/tokens/" + id + "/rotate", json);
    }

    /** The value at {@code jsonPath} of the user's listing, as text. */
    private void listed(String user, String jsonPath, Consumer<String> check) {
        admin().get()
                .uri("/admin/users/{user}/tokens", user)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath(jsonPath)
                .value(String.class, check::accept);
    }

    private void revoke(String id) {
        admin().delete().uri("/admin/tokens/{id}", id).exchange().expectStatus().isNoContent();
    }

    private WebTestClient.ResponseSpec patch(String id, String json) {
        return admin().patch()
                .uri("/admin/tokens/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json)
                .exchange();
    }

    private WebTestClient admin() {
        return TestAdmin.client(management);
    }
}
