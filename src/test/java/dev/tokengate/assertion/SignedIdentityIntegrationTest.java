package dev.tokengate.assertion;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tokengate.support.EchoWebSocket;
import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

/**
 * What the upstream of a route with {@code assertion: true} receives: one assertion, the gateway's, verifiable with
 * the key set the management port publishes to anyone, naming the checked user for the route's audience; never a
 * client's copy, in any spelling; none on routes without one, and nothing at all for a refused token. Raw sockets
 * where clients would merge or refuse the headers; every assertion is on what the upstream received.
 */
@TestPropertySource(
        properties = {
            TestAdmin.PROPERTY,
            "tokengate.assertion.issuer=https://gateway.test",
            "tokengate.assertion.jwks.on-client-port=true"
        })
class SignedIdentityIntegrationTest extends GatewayIntegrationTest {

    private static final String HEADER = AssertionProperties.DEFAULT_HEADER;

    @Autowired
    private MeterRegistry meters;

    @Test
    void aCheckedRequestCarriesOneAssertionThatVerifiesWithThePublishedKeys() throws Exception {
        String token = tokens.issue("alice", "orders:read");

        bearer("/asserted/1", token).expectStatus().isOk();

        JWTClaimsSet claims = verified(upstream.lastRequest().header(HEADER), "orders-service");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
                .isEqualTo(60_000);
    }

    @Test
    void aWebSocketHandshakeCarriesTheAssertionToo() throws Exception {
        String token = tokens.issue("carol", null);

        EchoWebSocket socket = EchoWebSocket.open(port, "/ws/asserted/echo", token);

        assertThat(verified(upstream.lastRequest().header(HEADER), "websocket-asserted")
                        .getSubject())
                .isEqualTo("carol");
        socket.close();
    }

    @Test
    void theKeySetIsOpenOnTheManagementPortAndTheClientPortAndSaysHowLongToKeepIt() {
        for (var port : new org.springframework.test.web.reactive.server.WebTestClient[] {management, client}) {
            port.get()
                    .uri(JwksDocument.PATH)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .contentType("application/jwk-set+json")
                    .expectHeader()
                    .valueEquals(HttpHeaders.CACHE_CONTROL, "max-age=300, public")
                    .expectBody(String.class)
                    .value(body -> assertThat(body).contains("\"kty\":\"EC\"").doesNotContain("\"d\""));
        }
        assertThat(upstream.requestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-Tokengate-Assertion: forged",
                "x-tokengate-assertion: forged",
                "X_Tokengate_Assertion: forged",
                "x_tokengate_assertion: forged",
                "X-Tokengate-Assertion: forged\r\nX-Tokengate-Assertion: forged-too",
                "Connection: X-Tokengate-Assertion\r\nX-Tokengate-Assertion: forged"
            })
    void aClientsCopyInAnySpellingNeverReachesTheUpstreamBesideTheGatewaysOwn(String headers) throws Exception {
        String token = tokens.issue("alice", "orders:read");

        RawHttpClient.Response response = raw().get("/asserted/1", "Authorization: Bearer " + token, headers);

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.headersNamedLike("x-tokengate-assertion")).hasSize(1);
        assertThat(received.headers().values()).noneMatch(value -> value.contains("forged"));
        assertThat(verified(received.header(HEADER), "orders-service").getSubject())
                .isEqualTo("alice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/catalog/1", "/asserted-public/1", "/public/1"})
    void routesWithoutAnAssertionOrWithoutAnIdentityPassNoneOnNotEvenTheClients(String path) {
        String token = tokens.issue("alice", "orders:read");

        RawHttpClient.Response response = raw().get(
                        path,
                        "Authorization: Bearer " + token,
                        "X-Tokengate-Assertion: forged",
                        "X_Tokengate_Assertion: forged");

        assertThat(response.status()).isEqualTo(200);
        assertThat(upstream.lastRequest().headersNamedLike("x-tokengate-assertion"))
                .isEmpty();
    }

    @Test
    void aRevokedTokenGetsNoAssertionBecauseItGetsNoFurther() {
        String token = tokens.issue("alice", "orders:read");
        bearer("/asserted/1", token).expectStatus().isOk();
        tokens.revoke(token);
        upstream.clear();

        bearer("/asserted/1", token).expectStatus().isUnauthorized();

        assertThat(upstream.requestCount()).isZero();
    }

    /** One signature for many requests; a change of the token's scopes reaches the next assertion at once. */
    @Test
    void aBusyTokenIsSignedOnceAndItsChangedScopesAreSignedAgain() throws Exception {
        String token = tokens.issue("bob", "orders:read");
        double before = signed();
        for (int i = 0; i < 20; i++) {
            bearer("/asserted/" + i, token).expectStatus().isOk();
        }
        assertThat(signed()).isEqualTo(before + 1);

        tokens.store(TestTokens.keyOf(token), "bob", "orders:read orders:write");

        String after = upstream.lastRequest().header(HEADER);
        bearer("/asserted/again", token).expectStatus().isOk();
        String changed = upstream.lastRequest().header(HEADER);
        assertThat(changed).isNotEqualTo(after);
        assertThat(verified(changed, "orders-service").getStringClaim("scope")).isEqualTo("orders:read orders:write");
    }

    /**
     * The client port answers the key set's path ahead of routing: a route for {@code /.well-known/**} never sees
     * it, under any spelling the router would read as that path.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/.well-known/tokengate/jwks.json",
                "/.well-known/tokengate/jwks.json;v=1",
                "/.well-known;x=y/tokengate/jwks.json",
                "/.well-known/tokengate/%6Awks.json",
                "//.well-known/tokengate/jwks.json",
                "/.well-known/tokengate/./jwks.json",
                "/.well-known/other/../tokengate/jwks.json"
            })
    void noRouteCanTakeTheKeySetsPathOnTheClientPort(String path) {
        RawHttpClient.Response response = raw().get(path);

        assertThat(upstream.requestCount())
                .as("reached the /.well-known/** route")
                .isZero();
        if (response.status() == 200) {
            assertThat(response.body()).contains("\"keys\"");
        } else {
            assertThat(response.status()).isEqualTo(400);
        }
    }

    @Test
    void theKeySetIsReadOnly() {
        RawHttpClient.Response response = raw().request("POST", JwksDocument.PATH, java.util.List.of(), "{}");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).contains("GET");
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(upstream.requestCount()).isZero();
    }

    /** Verifies as an upstream would: signature with the published keys, issuer, audience, expiry. */
    private JWTClaimsSet verified(String assertion, String audience) throws Exception {
        String jwks = new String(
                management
                        .get()
                        .uri(JwksDocument.PATH)
                        .exchange()
                        .expectBody()
                        .returnResult()
                        .getResponseBody(),
                StandardCharsets.UTF_8);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer("https://gateway.test").build(),
                Set.of("sub", "iat", "exp", "jti")));
        return processor.process(assertion, null);
    }

    private double signed() {
        return meters.get("tokengate.assertions.signed").counter().count();
    }

    private RawHttpClient raw() {
        return new RawHttpClient(port);
    }
}
