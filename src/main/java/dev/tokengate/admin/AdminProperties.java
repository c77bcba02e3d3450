package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token administration API on the management port.
 *
 * @param tokenSha256 Lowercase sha256 hex of the admin bearer token. Without it the admin API answers 404, as if
 *     absent.
 * @param defaultTtl Lifetime of an issued token when the request names none.
 * @param maxTtl Longest lifetime a token may be issued with.
 * @param rotationGrace How long a rotated token keeps working next to its successor when the request names no grace.
 */
@ConfigurationProperties(AdminProperties.PREFIX)
public record AdminProperties(
        String tokenSha256,
        @DefaultValue(DEFAULT_TTL) Duration defaultTtl,
        @DefaultValue(DEFAULT_MAX_TTL) Duration maxTtl,
        @DefaultValue(DEFAULT_ROTATION_GRACE) Duration rotationGrace) {

    public static final String PREFIX = "tokengate.admin";
    public static final String DEFAULT_TTL = "24h";
    public static final String DEFAULT_MAX_TTL = "90d";
    public static final String DEFAULT_ROTATION_GRACE = "1h";

    public AdminProperties {
        if (tokenSha256 != null && !tokenSha256.isBlank() && !TokenHashing.isSha256Hex(tokenSha256)) {
            throw new IllegalArgumentException(PREFIX + ".token-sha256 must be 64 lowercase hex digits");
        }
        if (maxTtl.isNegative() || maxTtl.isZero() || defaultTtl.isNegative() || defaultTtl.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".default-ttl and max-ttl must be positive");
        }
        if (rotationGrace.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".rotation-grace must not be negative");
        }
        if (defaultTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException(PREFIX + ".default-ttl must not exceed max-ttl");
        }
    }

    public boolean isEnabled() {
        return tokenSha256 != null && !tokenSha256.isBlank();
    }
}
