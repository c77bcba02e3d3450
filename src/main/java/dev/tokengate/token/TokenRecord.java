package dev.tokengate.token;

/**
 * What Redis says about a valid token.
 *
 * @param user the user id, never empty
 * @param scopes space-separated scopes (tabs also separate), empty when the token has none
 * @param key the Redis key it was read from, which with {@code token-hashing: none} holds the raw token: never shown
 * @param expiresAtMillis when the key expires in Redis, in epoch milliseconds, as the lookup that read it learned;
 *     {@link #NO_EXPIRY} when the key has no expiry or the lookup did not ask
 */
public record TokenRecord(String user, String scopes, String key, long expiresAtMillis) {

    public static final long NO_EXPIRY = Long.MAX_VALUE;

    public TokenRecord(String user, String scopes, String key) {
        this(user, scopes, key, NO_EXPIRY);
    }

    /**
     * This record, expiring {@code ttlMillis} after {@code sentAtMillis}, the moment the lookup that learned the TTL
     * was sent: counting from then, the expiry is never later than Redis's.
     */
    TokenRecord expiringAfter(long ttlMillis, long sentAtMillis) {
        return ttlMillis < 0 ? this : new TokenRecord(user, scopes, key, sentAtMillis + ttlMillis);
    }

    public boolean expires() {
        return expiresAtMillis != NO_EXPIRY;
    }

    @Override
    public String toString() {
        return "TokenRecord[user=" + user + ", scopes=" + scopes + "]";
    }

    /** Whether {@code scope} is one of this token's scopes, matched as a whole word. */
    public boolean hasScope(String scope) {
        int length = scope.length();
        int from = 0;
        while (true) {
            int at = scopes.indexOf(scope, from);
            if (at < 0) {
                return false;
            }
            boolean startsWord = at == 0 || isSeparator(scopes.charAt(at - 1));
            boolean endsWord = at + length == scopes.length() || isSeparator(scopes.charAt(at + length));
            if (startsWord && endsWord) {
                return true;
            }
            from = at + 1;
        }
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }
}
