package dev.tokengate.token;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How tokens are stored and what happens when the store cannot answer.
 *
 * @param tokenHashing How the raw token becomes the rest of the key: sha256 (lowercase hex of the token's SHA-256) or
 *     none (the raw token, for login services that already store it that way).
 * @param staleIfUnavailable Opt-in degradation, off unless set: while Redis is unreachable or too slow, a token that
 *     was validated within this window is still accepted with the identity it had then. Revocations made during the
 *     outage are not seen. Unset, the gateway fails closed (503).
 */
@ConfigurationProperties(TokenStoreProperties.PREFIX)
public record TokenStoreProperties(
        @DefaultValue(DEFAULT_TOKEN_HASHING) TokenHashing tokenHashing, Duration staleIfUnavailable) {

    public static final String PREFIX = "tokengate.auth";
    public static final String DEFAULT_TOKEN_HASHING = "sha256";

    public TokenStoreProperties {
        Assert.isTrue(
                staleIfUnavailable == null || (!staleIfUnavailable.isNegative() && !staleIfUnavailable.isZero()),
                PREFIX + ".stale-if-unavailable must be positive, or left unset to fail closed");
    }
}
