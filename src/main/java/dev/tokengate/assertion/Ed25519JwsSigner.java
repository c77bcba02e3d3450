package dev.tokengate.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Set;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * EdDSA through the JCA: Nimbus's own signer for it needs Google Tink, which the gateway does not carry. Signing is the
 * assertions' whole cost (µs per signature on the benchmark machine): Ed25519 with Bouncy Castle 115, with the JDK
 * 1,170. P-256 stays with the JDK (990 on Java 17, 350 on Java 25; Bouncy Castle 450), whose ECDSA takes its
 * randomness only from the seeded generator given: Bouncy Castle's also blinds with its own process-wide one, which
 * reads the system's entropy.
 */
final class Ed25519JwsSigner implements JWSSigner {

    // Here, not where keys are read: making the provider takes about half a second, which only an Ed25519 key pays.
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final PrivateKey key;
    private final JCAContext context = new JCAContext(BOUNCY_CASTLE, null);

    Ed25519JwsSigner(PrivateKey key) {
        this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        try {
            Signature signature = Signature.getInstance("Ed25519", context.getProvider());
            signature.initSign(key);
            signature.update(signingInput);
            return Base64URL.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return context;
    }
}
