package dev.tokengate.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation as an operator does it during a rolling restart: one instance already has the new key added behind the
 * old (old signs, both published), the next has it promoted (new signs, old still published). A verifier that
 * fetched the key set once after the add verifies every assertion from both, with no failure during the overlap;
 * one that fetched before the add could not, which is why the add waits {@code jwks.max-age} before the promotion.
 */
class AssertionKeyRotationIntegrationTest {

    private static final String ISSUER = "https://gateway.test";

    @TempDir
    static Path secrets;

    private static GatewayInstance added;
    private static GatewayInstance promoted;
    private static TestTokens tokens;

    @BeforeAll
    static void startBothStagesOfTheRotation() throws Exception {
        Path oldKey = write("old.pem");
        Path newKey = write("new.pem");
        added = GatewayInstance.start(TestRedis.shared(), keys("old", oldKey, "new", newKey));
        promoted = GatewayInstance.start(TestRedis.shared(), keys("new", newKey, "old", oldKey));
        tokens = new TestTokens(TestRedis.shared());
    }

    @AfterAll
    static void stop() {
        added.close();
        promoted.close();
        tokens.close();
    }

    @Test
    void aKeySetFetchedAfterTheAddVerifiesEveryAssertionFromBothStages() throws Exception {
        JWKSet fetchedAfterAdd = keySet(added);
        String token = tokens.issue("alice", "orders:read");
        List<String> signedBy = new ArrayList<>();
        List<String> failed = new ArrayList<>();

        for (int i = 0; i < 10; i++) {
            for (GatewayInstance instance : List.of(added, promoted)) {
                String assertion = assertionThrough(instance, token);
                signedBy.add(SignedJWT.parse(assertion).getHeader().getKeyID());
                try {
                    processor(fetchedAfterAdd).process(assertion, null);
                } catch (Exception e) {
                    failed.add(e.getMessage());
                }
            }
        }

        assertThat(failed).isEmpty();
        assertThat(signedBy).containsOnly("old", "new").contains("old", "new");
        assertThat(keySet(promoted).getKeys()).extracting(key -> key.getKeyID()).containsExactly("new", "old");
    }

    @Test
    void aKeySetFetchedBeforeTheAddCannotVerifyThePromotedKeysAssertions() throws Exception {
        JWKSet fetchedBeforeAdd = new JWKSet(keySet(added).getKeyByKeyId("old"));
        String token = tokens.issue("bob", "orders:read");

        String assertion = assertionThrough(promoted, token);

        assertThatThrownBy(() -> processor(fetchedBeforeAdd).process(assertion, null))
                .hasMessageContaining("matching key");
    }

    private static String assertionThrough(GatewayInstance instance, String token) {
        BearerRequests.get(instance.client(), "/asserted/1", token)
                .expectStatus()
                .isOk();
        return RecordingUpstream.shared().lastRequest().header(AssertionProperties.DEFAULT_HEADER);
    }

    private static JWKSet keySet(GatewayInstance instance) throws Exception {
        byte[] body = instance.management()
                .get()
                .uri(JwksDocument.PATH)
                .exchange()
                .expectBody()
                .returnResult()
                .getResponseBody();
        return JWKSet.parse(new String(body, StandardCharsets.UTF_8));
    }

    private static DefaultJWTProcessor<SecurityContext> processor(JWKSet keys) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(keys)));
        return processor;
    }

    private static String[] keys(String firstId, Path first, String secondId, Path second) {
        return new String[] {
            "tokengate.assertion.issuer=" + ISSUER,
            "tokengate.assertion.keys[0].id=" + firstId,
            "tokengate.assertion.keys[0].private-key=" + first.toUri(),
            "tokengate.assertion.keys[1].id=" + secondId,
            "tokengate.assertion.keys[1].private-key=" + second.toUri()
        };
    }

    private static Path write(String name) throws Exception {
        return Files.writeString(secrets.resolve(name), AssertionKeysTest.pkcs8(AssertionKeysTest.ecPair("secp256r1")));
    }
}
