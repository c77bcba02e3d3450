package dev.tokengate.assertion;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;

/**
 * The public keys of the assertions as a JWK Set (RFC 7517 section 5), made once at startup, with how long a verifier
 * may keep it.
 */
public record JwksDocument(byte[] body, String cacheControl) {

    /** Where both ports serve it. */
    public static final String PATH = "/.well-known/tokengate/jwks.json";

    public static final MediaType MEDIA_TYPE = MediaType.parseMediaType("application/jwk-set+json");

    static JwksDocument of(AssertionKeys keys, Duration maxAge) {
        return new JwksDocument(
                keys.jwks().getBytes(StandardCharsets.UTF_8),
                CacheControl.maxAge(maxAge).cachePublic().getHeaderValue());
    }
}
