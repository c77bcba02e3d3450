package dev.tokengate.auth;

import static dev.tokengate.support.ProblemAssertions.CHALLENGE_INVALID_TOKEN;
import static dev.tokengate.support.ProblemAssertions.CHALLENGE_MALFORMED;
import static dev.tokengate.support.ProblemAssertions.CHALLENGE_NO_CREDENTIALS;
import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingUpstream.ReceivedRequest;
import dev.tokengate.support.RefusalTimer;
import dev.tokengate.support.RefusalTimer.Refusal;
import dev.tokengate.support.TestTokens;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

class TokenAuthenticationIntegrationTest extends GatewayIntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void requestWithoutAuthorizationIsRefusedWith401AndNeverForwarded() {
        WebTestClient.ResponseSpec response = client.get().uri("/orders/1").exchange();

        assertProblem(
                        response,
                        HttpStatus.UNAUTHORIZED,
                        CHALLENGE_NO_CREDENTIALS,
                        "Authentication credentials were not provided.",
                        "/orders/1")
                .jsonPath("$.error")
                .doesNotExist();
        assertThat(upstream.requestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Basic dXNlcjpwYXNz", "Digest username=\"u\"", "Bearertoken"})
    void emptyHeaderOrAnotherSchemeCountsAsNoCredentials(String authorization) {
        WebTestClient.ResponseSpec response = client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .exchange();

        assertProblem(
                response,
                HttpStatus.UNAUTHORIZED,
                CHALLENGE_NO_CREDENTIALS,
                "Authentication credentials were not provided.",
                "/orders/1");
        assertThat(upstream.requestCount()).isZero();
    }

    static Stream<Arguments> malformedAuthorizations() {
        String valid = TestTokens.newToken();
        return Stream.of(
                Arguments.of("scheme without token", new String[] {"Bearer"}),
                Arguments.of("second token", new String[] {"Bearer " + valid + " " + valid}),
                Arguments.of("comma-separated second credential", new String[] {"Bearer " + valid + ", Bearer x"}),
                Arguments.of("non-ASCII character", new String[] {"Bearer abcédef"}),
                Arguments.of("tab inside", new String[] {"Bearer\tabc"}),
                Arguments.of("token over 4096 characters", new String[] {"Bearer " + "a".repeat(4097)}),
                Arguments.of("two Authorization headers", new String[] {"Bearer " + valid, "Bearer " + valid}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedAuthorizations")
    void malformedCredentialsAreRefusedWith400InvalidRequest(String description, String[] authorization) {
        WebTestClient.ResponseSpec response = client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .exchange();

        assertProblem(response, HttpStatus.BAD_REQUEST, CHALLENGE_MALFORMED, "Malformed credentials.", "/orders/1")
                .jsonPath("$.error")
                .isEqualTo("invalid_request");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void whitespaceOnlyHeaderCountsAsNoCredentials() {
        RawHttpClient.Response response = new RawHttpClient(port).get("/orders/1", "Authorization:   \t ");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(CHALLENGE_NO_CREDENTIALS);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void nonAsciiByteInTheTokenIsMalformed() {
        RawHttpClient.Response response =
                new RawHttpClient(port).get("/orders/1", "Authorization: Bearer abc\u00ffdef");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo(CHALLENGE_MALFORMED);
        assertThat(response.body()).contains("\"detail\":\"Malformed credentials.\"");
        assertThat(upstream.requestCount()).isZero();
    }

    /** The HTTP server refuses these bytes in any header value before the gateway sees the request. */
    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc\u0001def", "Bearer abc\u007fdef"})
    void controlCharacterInTheTokenIsRefusedWith400(String authorization) {
        RawHttpClient.Response response = new RawHttpClient(port).get("/orders/1", "Authorization: " + authorization);

        assertThat(response.status()).isEqualTo(400);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void tokenOfExactly4096CharactersIsAccepted() {
        String token = "t".repeat(4096);
        tokens.store(TestTokens.keyOf(token), "long-token-user", "orders:read");

        bearer("/orders/1", token).expectStatus().isOk();

        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("long-token-user");
    }

    @Test
    void unknownTokenIsRefusedWith401InvalidToken() {
        assertRefusedAsInvalidToken(TestTokens.newToken());
    }

    @Test
    void expiredTokenIsRefused() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/orders/1", token).expectStatus().isOk();
        tokens.expireIn(token, Duration.ofMillis(50));
        await().atMost(Duration.ofSeconds(5)).until(() -> !tokens.exists(TestTokens.keyOf(token)));
        upstream.clear();

        assertRefusedAsInvalidToken(token);
    }

    @Test
    void revokedTokenIsRefusedOnTheNextRequest() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/orders/1", token).expectStatus().isOk();
        upstream.clear();

        tokens.revoke(token);
        long revoked = System.nanoTime();

        // the near cache learns of the revocation from Redis, asynchronously: RefusalTimer says what "next" allows
        Refusal refusal = RefusalTimer.awaitStatus(client, "/orders/1", token, HttpStatus.UNAUTHORIZED, revoked);
        assertThat(refusal.isInTime()).as("%s", refusal).isTrue();
        upstream.clear();
        assertRefusedAsInvalidToken(token);
    }

    @Test
    void validBearerTokenReachesUpstreamWithIdentityAndWithoutAuthorization() {
        String token = tokens.issue("alice", "orders:read profile");

        bearer("/orders/42?expand=lines", token).expectStatus().isOk();

        ReceivedRequest forwarded = upstream.lastRequest();
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(forwarded.uri()).isEqualTo("/orders/42?expand=lines");
        assertThat(forwarded.header("X-User-Id")).isEqualTo("alice");
        assertThat(forwarded.header("X-User-Scopes")).isEqualTo("orders:read profile");
        assertThat(forwarded.hasHeader(HttpHeaders.AUTHORIZATION)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Token", "token", "BEARER", "bearer"})
    void schemesMatchCaseInsensitivelyIncludingDjangoStyleToken(String scheme) {
        String token = tokens.issue("bob", "orders:read");

        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, scheme + " " + token)
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("bob");
        assertThat(upstream.lastRequest().hasHeader(HttpHeaders.AUTHORIZATION)).isFalse();
    }

    @Test
    void surroundingWhitespaceAndSeveralSpacesAfterTheSchemeAreAccepted() {
        String token = tokens.issue("bob", "orders:read");

        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer   " + token + " ")
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void tokenWithoutScopesSendsNoScopesHeader() {
        String token = tokens.issue("carol", null);

        bearer("/catalog/items", token).expectStatus().isOk();

        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("carol");
        assertThat(upstream.lastRequest().hasHeader("X-User-Scopes")).isFalse();
    }

    @Test
    void clientSentIdentityHeadersNeverReachTheUpstream() {
        String token = tokens.issue("alice", "orders:read");

        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header("X-User-Id", "admin")
                .header("x-user-scopes", "orders:write admin")
                .header("X_User_Id", "admin")
                .exchange()
                .expectStatus()
                .isOk();

        ReceivedRequest forwarded = upstream.lastRequest();
        assertThat(forwarded.header("X-User-Id")).isEqualTo("alice");
        assertThat(forwarded.header("X-User-Scopes")).isEqualTo("orders:read");
        assertThat(forwarded.hasHeader("X_User_Id")).isFalse();
    }

    @Test
    void publicRouteNeedsNoTokenAndStillStripsClientIdentityHeaders() {
        client.get()
                .uri("/public/status")
                .header("X-User-Id", "admin")
                .header("X-User-Scopes", "admin")
                .header("x_user_id", "admin")
                .exchange()
                .expectStatus()
                .isOk();

        ReceivedRequest forwarded = upstream.lastRequest();
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(forwarded.hasHeader("X-User-Id")).isFalse();
        assertThat(forwarded.hasHeader("X-User-Scopes")).isFalse();
        assertThat(forwarded.hasHeader("x_user_id")).isFalse();
    }

    @Test
    void tokenWithoutARequiredScopeIsRefusedWith403AndTheScopeChallenge() {
        String token = tokens.issue("alice", "orders:read");

        WebTestClient.ResponseSpec response = bearer("/orders-admin/1", token);

        assertProblem(
                        response,
                        HttpStatus.FORBIDDEN,
                        "Bearer realm=\"tokengate\", error=\"insufficient_scope\", scope=\"orders:read orders:write\"",
                        "Insufficient scope.",
                        "/orders-admin/1")
                .jsonPath("$.scope")
                .isEqualTo("orders:read orders:write");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void tokenWithEveryRequiredScopeIsForwarded() {
        String token = tokens.issue("alice", "orders:write profile orders:read");

        bearer("/orders-admin/1", token).expectStatus().isOk();

        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
    }

    @Test
    void scopesMatchAsWholeWords() {
        String token = tokens.issue("mallory", "orders:reader xorders:read orders:read:all");

        bearer("/orders/1", token).expectStatus().isForbidden();

        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void requestMatchingNoRouteGetsProblem404AndReachesNoBackend() {
        String token = tokens.issue("alice", "orders:read");

        WebTestClient.ResponseSpec response = bearer("/nowhere/1", token);

        assertProblem(response, HttpStatus.NOT_FOUND, null, "No route matches this request.", "/nowhere/1");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void keyOfAnotherRedisTypeCountsAsInvalidToken() {
        String token = TestTokens.newToken();
        tokens.redis().set(TestTokens.keyOf(token), "alice");

        assertRefusedAsInvalidToken(token);
    }

    @Test
    void hashWithoutUserCountsAsInvalidToken() {
        String token = TestTokens.newToken();
        tokens.redis().hset(TestTokens.keyOf(token), "scopes", "orders:read");

        assertRefusedAsInvalidToken(token);
    }

    @Test
    void userThatCannotBeSentAsAHeaderCountsAsInvalidToken() {
        String token = TestTokens.newToken();
        tokens.store(TestTokens.keyOf(token), "alice\r\nX-Admin: true", "orders:read");

        bearer("/orders/1", token).expectStatus().isUnauthorized();

        assertThat(upstream.requestCount()).isZero();
    }

    private void assertRefusedAsInvalidToken(String token) {
        assertProblem(
                        bearer("/orders/1", token),
                        HttpStatus.UNAUTHORIZED,
                        CHALLENGE_INVALID_TOKEN,
                        "Invalid token.",
                        "/orders/1")
                .jsonPath("$.error")
                .isEqualTo("invalid_token");
        assertThat(upstream.requestCount()).isZero();
    }
}
