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

/** EdDSA through the JCA: Nimbus's own signer for it needs Google Tink, which the gateway does not carry. */
final class Ed25519JwsSigner implements JWSSigner {

    private final PrivateKey key;
    private final JCAContext context;

    Ed25519JwsSigner(PrivateKey key, Provider provider) {
        this.key = key;
        this.context = new JCAContext(provider, null);
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
