package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin credential: the bearer token whose sha256 is {@code tokengate.admin.token-sha256}. Hashes are compared in
 * constant time, so timing tells an attacker nothing.
 */
final class AdminCredentials {

    static final String CHALLENGE = "Bearer realm=\"tokengate-admin\"";

    private final AdminProperties properties;

    AdminCredentials(AdminProperties properties) {
        this.properties = properties;
    }

    /** Without a configured credential, admin paths answer 404, as if absent. */
    boolean isConfigured() {
        return properties.isEnabled();
    }

    boolean isAdmin(String authorization) {
        if (!isConfigured() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String presented = TokenHashing.sha256Hex(authorization.substring(7).trim());
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII),
                properties.tokenSha256().getBytes(StandardCharsets.US_ASCII));
    }
}
