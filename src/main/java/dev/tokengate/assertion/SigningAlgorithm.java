package dev.tokengate.assertion;

import com.nimbusds.jose.JWSAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** The JWS algorithms an assertion can be signed with, each with the key type it takes. */
public enum SigningAlgorithm {
    ES256(JWSAlgorithm.ES256),
    EdDSA(JWSAlgorithm.EdDSA),
    RS256(JWSAlgorithm.RS256);

    private final JWSAlgorithm jws;

    SigningAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    JWSAlgorithm jws() {
        return jws;
    }

    /** A new key pair for this algorithm: P-256, Ed25519, or 2048-bit RSA. */
    KeyPair generateKeyPair() throws GeneralSecurityException {
        return switch (this) {
            case ES256 -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                yield generator.generateKeyPair();
            }
            case EdDSA -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            case RS256 -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                yield generator.generateKeyPair();
            }
        };
    }
}
