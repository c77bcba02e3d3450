package dev.tokengate.assertion;

import dev.tokengate.http.HttpTokens;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * The signed identity assertion: a compact JWS the gateway adds to what it forwards, which an upstream verifies
 * against the keys the gateway publishes, so that it need not trust a plain header.
 *
 * @param enabled Whether routes carry an assertion unless their metadata says {@code assertion: false}; off, only
 *     routes whose metadata says {@code assertion: true} do.
 * @param header Request header that carries the assertion. A client-sent one is always removed.
 * @param issuer The {@code iss} claim, which verifiers check: a URL naming this gateway is usual.
 * @param lifetime How long an assertion is valid ({@code exp - iat}). It is reused until 10 s before its expiry (a
 *     quarter of its life when that is shorter), which is the least an upstream gets.
 * @param algorithm The algorithm of the key generated at startup when {@code keys} is empty (each instance then has
 *     its own, lost on restart: for trying out only). Configured keys sign with their own type's algorithm.
 * @param keys Signing keys, the first signs and all are published: rotation is add, wait, promote, remove.
 * @param jwks Where and how the public keys are published.
 */
@ConfigurationProperties(AssertionProperties.PREFIX)
public record AssertionProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue(DEFAULT_HEADER) String header,
        @DefaultValue("tokengate") String issuer,
        @DefaultValue("60s") Duration lifetime,
        @DefaultValue("ES256") SigningAlgorithm algorithm,
        @DefaultValue List<Key> keys,
        @DefaultValue Jwks jwks) {

    public static final String PREFIX = "tokengate.assertion";
    public static final String DEFAULT_HEADER = "X-Tokengate-Assertion";

    public AssertionProperties {
        Assert.isTrue(HttpTokens.isToken(header), PREFIX + ".header '" + header + "' is not a header name");
        Assert.hasText(issuer, PREFIX + ".issuer must not be empty");
        Assert.isTrue(
                lifetime.compareTo(Duration.ofSeconds(4)) >= 0 && lifetime.compareTo(Duration.ofHours(1)) <= 0,
                PREFIX + ".lifetime must be between 4s and 1h, not " + lifetime);
    }

    /**
     * @param id The {@code kid} it is published and signs under; its RFC 7638 thumbprint when not given.
     * @param privateKey The private key in PEM (PKCS#8 {@code PRIVATE KEY}, or {@code EC PRIVATE KEY} / {@code RSA
     *     PRIVATE KEY}): a location such as {@code file:/etc/tokengate/assertion/2026-12.pem} (a mounted Secret), or
     *     the PEM text itself. EC keys must be on P-256 (ES256); Ed25519 keys sign EdDSA, RSA keys (2048 bits or more)
     *     RS256.
     */
    public record Key(String id, String privateKey) {

        public Key {
            Assert.hasText(privateKey, PREFIX + ".keys[].private-key must be set");
        }
    }

    /**
     * @param maxAge How long upstreams may cache the published keys ({@code Cache-Control: max-age}): after adding a
     *     key, wait at least this long before promoting it.
     * @param onClientPort Whether the client port also serves them at {@link JwksDocument#PATH}, a path no route can
     *     take; the management port always does.
     */
    public record Jwks(
            @DefaultValue("5m") Duration maxAge,
            @DefaultValue("false") boolean onClientPort) {}
}
