package dev.tokengate.token;

/**
 * A token as Redis holds it, with the remaining lifetime of its key.
 *
 * @param token the record of a valid token, or {@code null} when Redis knows no usable token under the key
 * @param ttlMillis the key's remaining time to live as {@code PTTL} reports it: {@code -1} when it has no expiry,
 *     {@code -2} when the key does not exist
 */
public record StoredToken(TokenRecord token, long ttlMillis) {

    public static final long NO_EXPIRY = -1;
    public static final long NO_KEY = -2;

    static final StoredToken UNKNOWN = new StoredToken(null, NO_KEY);

    public boolean isValid() {
        return token != null;
    }
}
