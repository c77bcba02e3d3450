package dev.tokengate.assertion;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestClients;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.VerifyingUpstream;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A service that trusts no header, only assertions it verifies against the keys the gateway publishes (Spring
 * Security's resource server, as Spring Boot's starter configures it): through the gateway it knows the user; sent
 * to it directly, a plain identity header, a forged, an expired or another audience's assertion is refused.
 */
class VerifyingUpstreamIntegrationTest extends GatewayIntegrationTest {

    private static final String ISSUER = "https://gateway.test";
    private static final String AUDIENCE = "orders-service";
    private static final KeyPair GATEWAY_KEY = newKey();
    private static final VerifyingUpstream verifying = VerifyingUpstream.start();

    @DynamicPropertySource
    static void signingKey(DynamicPropertyRegistry registry) {
        registry.add("test.verifying.url", verifying::url);
        registry.add("tokengate.assertion.issuer", () -> ISSUER);
        registry.add("tokengate.assertion.keys[0].id", () -> "gateway-key");
        registry.add("tokengate.assertion.keys[0].private-key", () -> AssertionKeysTest.pkcs8(GATEWAY_KEY));
    }

    @BeforeEach
    void trustTheGateway() {
        verifying.trust("http://" + TestRedis.HOST + ":" + managementPort + JwksDocument.PATH, ISSUER, AUDIENCE);
    }

    @AfterAll
    static void stopVerifying() {
        verifying.close();
    }

    @Test
    void throughTheGatewayTheServiceKnowsTheUser() {
        String token = tokens.issue("alice", "orders:read");

        bearer("/verified/1", token)
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .isEqualTo("sub=alice");
    }

    @Test
    void sentDirectlyAPlainIdentityHeaderIsRefused() {
        direct().get()
                .uri("/orders/1")
                .header("X-User-Id", "alice")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void sentDirectlyAnAssertionSignedWithAnotherKeyUnderTheGatewaysKidIsRefused() throws Exception {
        String forged = sign(newKey(), claims(Instant.now(), AUDIENCE));

        directWith(forged).expectStatus().isUnauthorized();
    }

    @Test
    void sentDirectlyAnExpiredAssertionIsRefused() throws Exception {
        String expired = sign(GATEWAY_KEY, claims(Instant.now().minus(Duration.ofMinutes(10)), AUDIENCE));

        directWith(expired).expectStatus().isUnauthorized();
    }

    @Test
    void sentDirectlyAnotherAudiencesAssertionIsRefused() throws Exception {
        String billing = sign(GATEWAY_KEY, claims(Instant.now(), "billing-service"));

        directWith(billing).expectStatus().isUnauthorized();
    }

    /** The refusals above are for their stated reason: the same signing, fresh and for this audience, is taken. */
    @Test
    void sentDirectlyAFreshAssertionForThisAudienceSignedWithTheGatewaysKeyIsTaken() throws Exception {
        String genuine = sign(GATEWAY_KEY, claims(Instant.now(), AUDIENCE));

        directWith(genuine).expectStatus().isOk().expectBody(String.class).isEqualTo("sub=mallory");
    }

    private static JWTClaimsSet claims(Instant issuedAt, String audience) {
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject("mallory")
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(Duration.ofMinutes(1))))
                .build();
    }

    private static String sign(KeyPair key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("gateway-key").build(), claims);
        jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
        return jwt.serialize();
    }

    private WebTestClient.ResponseSpec directWith(String assertion) {
        return direct().get()
                .uri("/orders/1")
                .header(VerifyingUpstream.HEADER, assertion)
                .exchange();
    }

    private static WebTestClient direct() {
        return TestClients.to(
                Integer.parseInt(verifying.url().substring(verifying.url().lastIndexOf(':') + 1)));
    }

    private static KeyPair newKey() {
        try {
            return AssertionKeysTest.ecPair("secp256r1");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
