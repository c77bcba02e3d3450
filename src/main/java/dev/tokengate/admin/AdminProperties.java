package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The token administration API on the management port.
 *
 * @param tokenSha256 Lowercase sha256 hex of an admin bearer token, named {@code sha256:<its first 12 digits>} in the
 *     audit trail. With neither it nor {@code credentials}, the admin API answers 404, as if absent.
 * @param credentials Admin bearer tokens, each with a name that the audit trail records as who acted.
 * @param defaultTtl Lifetime of an issued token when the request names none.
 * @param maxTtl Longest lifetime a token may be issued with.
 * @param rotationGrace How long a rotated token keeps working next to its successor when the request names no grace.
 */
@ConfigurationProperties(AdminProperties.PREFIX)
public record AdminProperties(
        String tokenSha256,
        List<Credential> credentials,
        @DefaultValue(DEFAULT_TTL) Duration defaultTtl,
        @DefaultValue(DEFAULT_MAX_TTL) Duration maxTtl,
        @DefaultValue(DEFAULT_ROTATION_GRACE) Duration rotationGrace) {

    public static final String PREFIX = "tokengate.admin";
    public static final String DEFAULT_TTL = "24h";
    public static final String DEFAULT_MAX_TTL = "90d";
    public static final String DEFAULT_ROTATION_GRACE = "1h";

    /** What the audit trail calls the unnamed {@code token-sha256} credential, before the first digits of its hash. */
    static final String UNNAMED_PREFIX = "sha256:";

    public AdminProperties {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        if (hasText(tokenSha256) && !TokenHashing.isSha256Hex(tokenSha256)) {
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
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>(hasText(tokenSha256) ? Set.of(tokenSha256) : Set.of());
        for (Credential credential : credentials) {
            if (!names.add(credential.name()) || !hashes.add(credential.tokenSha256())) {
                throw new IllegalArgumentException(PREFIX + ".credentials: each name and each token-sha256 only once");
            }
        }
    }

    public boolean isEnabled() {
        return hasText(tokenSha256) || !credentials.isEmpty();
    }

    /** Every admin credential's hash by its name, the unnamed one named after its hash. */
    Map<String, String> allCredentials() {
        Map<String, String> all = new LinkedHashMap<>();
        if (hasText(tokenSha256)) {
            all.put(UNNAMED_PREFIX + TokenHashing.shortId(tokenSha256), tokenSha256);
        }
        credentials.forEach(credential -> all.put(credential.name(), credential.tokenSha256()));
        return all;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * One admin credential.
     *
     * @param name Who uses it, as the audit trail records: 1 to 64 letters, digits and {@code . _ @ -}.
     * @param tokenSha256 Lowercase sha256 hex of its bearer token.
     */
    public record Credential(String name, String tokenSha256) {

        public Credential {
            if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new IllegalArgumentException(
                        PREFIX + ".credentials[].name must be 1 to 64 letters, digits and . _ @ -");
            }
            if (!TokenHashing.isSha256Hex(tokenSha256)) {
                throw new IllegalArgumentException(
                        PREFIX + ".credentials[].token-sha256 of '" + name + "' must be 64 lowercase hex digits");
            }
        }
    }
}
