package dev.tokengate.assertion;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * An assertion says who the gateway checked, for which audience, for a minute; and it is signed once per credential
 * and audience until ten seconds before its expiry, unless the credential changes.
 */
class IdentityAssertionsTest {

    private static final long START = 1_796_000_000_000L;

    private final AtomicLong clock = new AtomicLong(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AssertionProperties properties = AssertionKeysTest.properties(SigningAlgorithm.ES256, List.of());
    private final AssertionKeys keys = AssertionKeys.load(properties, new DefaultResourceLoader());
    private final IdentityAssertions assertions =
            new IdentityAssertions(keys, properties, 1000, TokenHashing.SHA256, meters, clock::get);

    private final TokenRecord alice = new TokenRecord("alice", "orders:read orders:write", "auth:token:a");

    @Test
    void anAssertionNamesTheIssuerAudienceUserScopesAndAMinuteOfLifeAndVerifiesWithThePublishedKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(assertions.assertionFor(alice, "orders"));

        assertThat(jwt.verify(new ECDSAVerifier(
                        (ECKey) JWKSet.parse(keys.jwks()).getKeys().get(0))))
                .isTrue();
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.signing().id());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("https://gateway.test");
        assertThat(claims.getAudience()).containsExactly("orders");
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("scope")).isEqualTo("orders:read orders:write");
        assertThat(claims.getIssueTime()).isEqualTo(new Date(START));
        assertThat(claims.getExpirationTime()).isEqualTo(new Date(START + 60_000));
        assertThat(claims.getJWTID()).matches("[0-9a-f]{32}");
    }

    @Test
    void aCredentialWithoutScopesGetsNoScopeClaim() throws Exception {
        TokenRecord plain = new TokenRecord("bob", "", "auth:token:b");

        JWTClaimsSet claims =
                SignedJWT.parse(assertions.assertionFor(plain, "orders")).getJWTClaimsSet();

        assertThat(claims.getClaims()).doesNotContainKey("scope");
    }

    @Test
    void oneSignatureServesACredentialAndAudienceUntilTenSecondsBeforeItExpires() {
        String first = assertions.assertionFor(alice, "orders");

        clock.addAndGet(Duration.ofSeconds(49).toMillis());
        assertThat(assertions.assertionFor(alice, "orders")).isSameAs(first);
        assertThat(signed()).isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(2).toMillis());
        assertThat(assertions.assertionFor(alice, "orders")).isNotEqualTo(first);
        assertThat(signed()).isEqualTo(2);
    }

    @Test
    void eachAudienceHasItsOwnAssertion() throws Exception {
        String orders = assertions.assertionFor(alice, "orders");
        String billing = assertions.assertionFor(alice, "billing");

        assertThat(SignedJWT.parse(billing).getJWTClaimsSet().getAudience()).containsExactly("billing");
        assertThat(assertions.assertionFor(alice, "orders")).isSameAs(orders);
        assertThat(signed()).isEqualTo(2);
    }

    @Test
    void anInvalidatedCredentialIsSignedAgain() {
        String before = assertions.assertionFor(alice, "orders");

        assertions.invalidated(alice.key());

        assertThat(assertions.assertionFor(alice, "orders")).isNotEqualTo(before);
        assertThat(signed()).isEqualTo(2);
    }

    /** Whatever the order of a change and the invalidation that reports it, a changed record is never served old. */
    @Test
    void aRecordWithOtherScopesUnderTheSameKeyIsNeverServedTheOldAssertion() throws Exception {
        assertions.assertionFor(alice, "orders");
        TokenRecord narrowed = new TokenRecord("alice", "orders:read", alice.key());

        String after = assertions.assertionFor(narrowed, "orders");

        assertThat(SignedJWT.parse(after).getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("orders:read");
    }

    @Test
    void anAssertionNeverOutlivesItsCredential() throws Exception {
        TokenRecord expiring = new TokenRecord("carol", "", "auth:token:c", START + 20_500);

        JWTClaimsSet claims =
                SignedJWT.parse(assertions.assertionFor(expiring, "orders")).getJWTClaimsSet();

        assertThat(claims.getExpirationTime()).isEqualTo(new Date(START + 20_000));
    }

    @Test
    void withRawTokensAsKeysInvalidationStillReachesTheCredential() {
        IdentityAssertions raw = new IdentityAssertions(keys, properties, 1000, TokenHashing.NONE, meters, clock::get);
        TokenRecord token = new TokenRecord("dave", "", "auth:token:raw-token-value");
        String before = raw.assertionFor(token, "orders");
        assertThat(raw.assertionFor(token, "orders")).isSameAs(before);

        raw.invalidated(token.key());

        assertThat(raw.assertionFor(token, "orders")).isNotEqualTo(before);
    }

    private double signed() {
        return meters.get("tokengate.assertions.signed").counter().count();
    }
}
