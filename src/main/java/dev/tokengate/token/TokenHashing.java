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

    /**
     * What stands for a Redis key in the gateway's memory: the key itself, or with {@code none}, where the key holds
     * the raw token, its sha256, so that no raw token is kept.
     */
    public String keptInMemory(String redisKey) {
        return this == NONE ? sha256Hex(redisKey) : redisKey;
    }

    /** The lowercase sha256 hex of a token, as ops compute it with {@code sha256sum}. */
    public static String sha256Hex(String rawToken) {
        return sha256Hex(rawToken.getBytes(StandardCharsets.UTF_8));
    }

    /** The lowercase sha256 hex of {@code bytes}: a client certificate's DER encoding gives its fingerprint. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(SHA256_DIGEST.get().digest(bytes));
    }

    /**
     * How many leading hex digits of a token's hash name it for people: in the admin API's listing ({@code
     * hashPrefix}) and as the shortest id it takes, in the audit trail, and in an unnamed admin credential's name. One
     * in 2<sup>48</sup>: enough for any one installation's tokens, short enough to read out.
     */
    public static final int SHORT_ID_DIGITS = 12;

    /** The first {@link #SHORT_ID_DIGITS} of a token's hash, or all of it when it is shorter. */
    public static String shortId(String hash) {
        return hash.substring(0, Math.min(SHORT_ID_DIGITS, hash.length()));
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
