package dev.tokengate.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** How a raw token becomes the suffix of its Redis key. */
public enum TokenHashing {

    /** The key holds the lowercase sha256 hex of the raw token: Redis never sees the token itself. */
    SHA256 {
        @Override
        public String apply(String rawToken) {
            return sha256Hex(rawToken);
        }
    },

    /** The key holds the raw token, for login services that already write tokens that way. */
    NONE {
        @Override
        public String apply(String rawToken) {
            return rawToken;
        }
    };

    // MessageDigest is not thread-safe and costly to look up; one per event-loop thread is enough.
    private static final ThreadLocal<MessageDigest> SHA256_DIGEST = ThreadLocal.withInitial(TokenHashing::newDigest);

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public abstract String apply(String rawToken);

    /** The lowercase sha256 hex of a token, as ops compute it with {@code sha256sum}. */
    public static String sha256Hex(String rawToken) {
        MessageDigest digest = SHA256_DIGEST.get();
        return HEX.formatHex(digest.digest(rawToken.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code value} is the start of what {@link #sha256Hex} gives: at least {@code minDigits}, fewer than 64. */
    public static boolean isSha256HexPrefix(String value, int minDigits) {
        return value != null
                && value.length() >= minDigits
                && value.length() < 64
                && value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** Whether {@code value} is what {@link #sha256Hex} gives: 64 lowercase hex digits. */
    public static boolean isSha256Hex(String value) {
        return value != null && SHA256_HEX.matcher(value).matches();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }
}
