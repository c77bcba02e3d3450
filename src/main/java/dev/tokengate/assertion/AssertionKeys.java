package dev.tokengate.assertion;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.io.ResourceLoader;

/**
 * The configured signing keys, read once at startup: the first signs, all are published. Without any, one key of the
 * configured algorithm is generated, for this instance and this run only.
 */
final class AssertionKeys {

    private static final Logger log = LoggerFactory.getLogger(AssertionKeys.class);

    private final List<SigningKey> keys;
    private final boolean generated;

    private AssertionKeys(List<SigningKey> keys, boolean generated) {
        this.keys = List.copyOf(keys);
        this.generated = generated;
    }

    static AssertionKeys load(AssertionProperties properties, ResourceLoader resources) {
        SecureRandom random = seededRandom();
        try {
            if (properties.keys().isEmpty()) {
                SigningKey key = SigningKey.of(properties.algorithm().generateKeyPair(), null, random);
                return new AssertionKeys(List.of(key), true);
            }
            List<SigningKey> keys = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < properties.keys().size(); i++) {
                AssertionProperties.Key configured = properties.keys().get(i);
                SigningKey key = read(configured, resources, random, i);
                if (!ids.add(key.id())) {
                    throw new IllegalStateException(setting(i) + ": kid '" + key.id() + "' is used twice");
                }
                keys.add(key);
            }
            return new AssertionKeys(keys, false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Assertion signing key could not be made: " + e.getMessage(), e);
        }
    }

    private static SigningKey read(
            AssertionProperties.Key configured, ResourceLoader resources, SecureRandom random, int index) {
        try {
            PrivateKey privateKey = pem(configured.privateKey(), resources).getPrivateKey();
            if (privateKey == null) {
                throw new IllegalStateException(setting(index) + " holds no private key");
            }
            return SigningKey.of(privateKey, configured.id(), random);
        } catch (IOException | GeneralSecurityException | IllegalStateException e) {
            throw new IllegalStateException(setting(index) + " cannot sign assertions: " + e.getMessage(), e);
        }
    }

    private static PemContent pem(String value, ResourceLoader resources) throws IOException {
        if (PemContent.isPresentInText(value)) {
            return PemContent.of(value);
        }
        try (InputStream in = resources.getResource(value).getInputStream()) {
            return PemContent.load(in);
        }
    }

    private static String setting(int index) {
        return AssertionProperties.PREFIX + ".keys[" + index + "].private-key";
    }

    /**
     * ECDSA draws a nonce per signature. A DRBG without prediction resistance takes its seed once, here at startup,
     * and never again reads the system's entropy, which on an event loop would be blocking file I/O.
     */
    private static SecureRandom seededRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[32]);
            return random;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No DRBG to sign assertions with: " + e.getMessage(), e);
        }
    }

    SigningKey signing() {
        return keys.get(0);
    }

    /** Every key's public half, as a JWK Set document. */
    String jwks() {
        List<JWK> published = keys.stream().map(SigningKey::publicJwk).toList();
        return new JWKSet(published).toString(true);
    }

    /** Says, once, what a generated key means for the upstreams that verify with it. */
    void warnIfGenerated() {
        if (generated) {
            log.warn(
                    "Signing identity assertions with a {} key generated at startup (kid {}): every instance has its"
                            + " own and a restart replaces it. Configure {}.keys for upstreams to rely on",
                    signing().algorithm(),
                    signing().id(),
                    AssertionProperties.PREFIX);
        }
    }
}
