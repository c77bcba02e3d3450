package dev.tokengate.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Keys read from PEM, as operators make them with {@code openssl genpkey}: each type signs with its algorithm, and
 * what is published verifies what was signed, the public half being derived from the private key alone.
 */
class AssertionKeysTest {

    @TempDir
    Path directory;

    @Test
    void anEcKeyInPkcs8SignsEs256UnderItsThumbprintAndThePublishedKeyVerifies() throws Exception {
        AssertionKeys keys = load(key(null, pkcs8(ecPair("secp256r1"))));

        SigningKey signing = keys.signing();
        JWK published = JWKSet.parse(keys.jwks()).getKeys().get(0);
        assertThat(signing.algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(published.getKeyID()).isEqualTo(published.computeThumbprint().toString());
        assertThat(published.isPrivate()).isFalse();
        assertThat(published.getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(verifies(keys, new ECDSAVerifier((ECKey) published))).isTrue();
    }

    /** {@code openssl ecparam -genkey} writes SEC 1 ({@code EC PRIVATE KEY}); here from a file, as a mounted Secret. */
    @Test
    void anEcKeyInSec1FromAFileSigns() throws Exception {
        Path file = directory.resolve("signing.pem");
        Files.writeString(file, sec1(ecPair("secp256r1")));

        AssertionKeys keys = load(key("2026-12", file.toUri().toString()));

        assertThat(keys.signing().id()).isEqualTo("2026-12");
        assertThat(verifies(keys, new ECDSAVerifier((ECKey)
                        JWKSet.parse(keys.jwks()).getKeys().get(0))))
                .isTrue();
    }

    @Test
    void anEd25519KeySignsEdDsaAndThePublishedKeyVerifies() throws Exception {
        AssertionKeys keys =
                load(key(null, pkcs8(KeyPairGenerator.getInstance("Ed25519").generateKeyPair())));

        OctetKeyPair published =
                (OctetKeyPair) JWKSet.parse(keys.jwks()).getKeys().get(0);
        assertThat(keys.signing().algorithm()).isEqualTo(SigningAlgorithm.EdDSA);
        SignedJWT jwt = SignedJWT.parse(sign(keys));
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
        // Nimbus verifies EdDSA only with Google Tink: the JDK does it from the published x
        byte[] spki = concat(
                Base64.getDecoder().decode("MCowBQYDK2VwAyEA"), published.getX().decode());
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        verifier.update(jwt.getSigningInput());
        assertThat(verifier.verify(jwt.getSignature().decode())).isTrue();
    }

    @Test
    void anRsaKeySignsRs256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        AssertionKeys keys = load(key(null, pkcs8(generator.generateKeyPair())));

        assertThat(keys.signing().algorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(verifies(keys, new RSASSAVerifier((RSAKey)
                        JWKSet.parse(keys.jwks()).getKeys().get(0))))
                .isTrue();
    }

    @Test
    void theFirstKeySignsAndEveryKeyIsPublished() throws Exception {
        AssertionKeys keys = load(key("new", pkcs8(ecPair("secp256r1"))), key("old", pkcs8(ecPair("secp256r1"))));

        assertThat(keys.signing().id()).isEqualTo("new");
        assertThat(JWKSet.parse(keys.jwks()).getKeys())
                .extracting(JWK::getKeyID)
                .containsExactly("new", "old");
        assertThat(SignedJWT.parse(sign(keys)).getHeader().getKeyID()).isEqualTo("new");
    }

    @Test
    void keysThatCannotSignAreRefusedAtStartupNamingTheSetting() throws Exception {
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);

        assertThatThrownBy(() -> load(key(null, pkcs8(ecPair("secp384r1")))))
                .hasMessageContaining("tokengate.assertion.keys[0].private-key")
                .hasMessageContaining("P-256");
        assertThatThrownBy(() -> load(key(null, pkcs8(ecPair("secp256r1"))), key(null, pkcs8(small.generateKeyPair()))))
                .hasMessageContaining("tokengate.assertion.keys[1].private-key")
                .hasMessageContaining("2048");
        assertThatThrownBy(() -> load(key("same", pkcs8(ecPair("secp256r1"))), key("same", pkcs8(ecPair("secp256r1")))))
                .hasMessageContaining("kid 'same' is used twice");
        assertThatThrownBy(() -> load(key(null, "file:" + directory.resolve("missing.pem"))))
                .hasMessageContaining("tokengate.assertion.keys[0].private-key");
    }

    @Test
    void withoutKeysOneOfTheConfiguredAlgorithmIsGenerated() throws Exception {
        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            AssertionKeys keys = AssertionKeys.load(properties(algorithm, List.of()), new DefaultResourceLoader());

            assertThat(keys.signing().algorithm()).isEqualTo(algorithm);
            assertThat(SignedJWT.parse(sign(keys)).getHeader().getAlgorithm().getName())
                    .isEqualTo(algorithm.jws().getName());
        }
    }

    static AssertionProperties properties(SigningAlgorithm algorithm, List<AssertionProperties.Key> keys) {
        return new AssertionProperties(
                true,
                AssertionProperties.DEFAULT_HEADER,
                "https://gateway.test",
                Duration.ofSeconds(60),
                algorithm,
                keys,
                new AssertionProperties.Jwks(Duration.ofMinutes(5), false));
    }

    private static AssertionKeys load(AssertionProperties.Key... keys) {
        return AssertionKeys.load(properties(SigningAlgorithm.ES256, List.of(keys)), new DefaultResourceLoader());
    }

    private static AssertionProperties.Key key(String id, String privateKey) {
        return new AssertionProperties.Key(id, privateKey);
    }

    private static String sign(AssertionKeys keys) {
        IdentityAssertions assertions = new IdentityAssertions(
                keys,
                properties(SigningAlgorithm.ES256, List.of()),
                100,
                TokenHashing.SHA256,
                new SimpleMeterRegistry(),
                System::currentTimeMillis);
        return assertions.assertionFor(new TokenRecord("alice", "orders:read", "auth:token:a"), "orders");
    }

    private static boolean verifies(AssertionKeys keys, JWSVerifier verifier) throws Exception {
        return SignedJWT.parse(sign(keys)).verify(verifier);
    }

    static KeyPair ecPair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    /** A private key as {@code openssl genpkey} writes it: PKCS#8, {@code BEGIN PRIVATE KEY}. */
    static String pkcs8(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** SEC 1 with the curve's name and the public point, as {@code openssl ecparam -name prime256v1 -genkey} writes. */
    private static String sec1(KeyPair pair) throws Exception {
        java.security.interfaces.ECPublicKey publicKey = (java.security.interfaces.ECPublicKey) pair.getPublic();
        byte[] point = concat(
                new byte[] {4},
                concat(
                        fixed(publicKey.getW().getAffineX()),
                        fixed(publicKey.getW().getAffineY())));
        ECPrivateKey structure = new ECPrivateKey(
                256,
                ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
                new DERBitString(point),
                new ASN1ObjectIdentifier("1.2.840.10045.3.1.7"));
        return "-----BEGIN EC PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(structure.getEncoded())
                + "\n-----END EC PRIVATE KEY-----\n";
    }

    private static byte[] fixed(BigInteger coordinate) {
        byte[] bytes = coordinate.toByteArray();
        byte[] fixed = new byte[32];
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, fixed, 32 - length, length);
        return fixed;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = new byte[first.length + second.length];
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
