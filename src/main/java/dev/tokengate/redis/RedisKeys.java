package dev.tokengate.redis;

/**
 * Every Redis key, hash field and channel the gateway reads or writes, named here and nowhere else. Only the token key
 * prefix is configurable ({@code tokengate.auth.key-prefix}); the defaults are those of every earlier release, so data
 * already in Redis keeps working. docs/operations.md lists them all with the ACL they need.
 */
public final class RedisKeys {

    public static final String DEFAULT_TOKEN_PREFIX = "auth:token:";

    /** The fields of a token's hash: whose token it is, and its space-separated scopes. */
    public static final String USER_FIELD = "user";

    public static final String SCOPES_FIELD = "scopes";

    /** Written by the admin API only, for people: a token's label and when it was issued (epoch milliseconds). */
    public static final String LABEL_FIELD = "label";

    public static final String CREATED_FIELD = "created";

    /**
     * Written for a client certificate's registration, whose key is its fingerprint's: the subject it names (or
     * {@link #UNKNOWN_SUBJECT} when it was registered by fingerprint alone), which also tells it from a token.
     */
    public static final String CERTIFICATE_FIELD = "certificate";

    public static final String UNKNOWN_SUBJECT = "?";

    static final String USER_INDEX_PREFIX = "auth:user:";
    static final String USER_INDEX_SUFFIX = ":tokens";
    static final String FAILED_ATTEMPTS_PREFIX = "auth:failed:";
    static final String LAST_USED = "auth:tokens:last-used";
    static final String AUDIT = "auth:audit";

    /** Spring Cloud Gateway's own {@code RedisRouteDefinitionRepository} uses the same, so either reads the other. */
    static final String ROUTE_PREFIX = "routedefinition_";

    static final String ROUTES_CHANNEL = "tokengate:routes:refreshed";
    static final String BLOCKS_LIFTED_CHANNEL = "tokengate:blocks:lifted";

    private final String tokenPrefix;

    public RedisKeys(String tokenPrefix) {
        this.tokenPrefix = tokenPrefix;
    }

    /** What every token key starts with; also the prefix Redis tracks for the near cache. */
    public String tokenPrefix() {
        return tokenPrefix;
    }

    /** The hash of one token: {@code <prefix><token, hashed as configured>}. */
    public String token(String hashedToken) {
        return tokenPrefix + hashedToken;
    }

    /** The inverse of {@link #token}: what follows the prefix in a token key. */
    public String hashedTokenOf(String tokenKey) {
        return tokenKey.substring(tokenPrefix.length());
    }

    /** A {@code SCAN MATCH} pattern of the token keys whose hash starts with these hex digits. */
    public String tokenPattern(String hashPrefix) {
        return tokenPrefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + hashPrefix + "*";
    }

    /** The set of a user's token hashes, kept by the admin API. */
    public String userTokens(String user) {
        return USER_INDEX_PREFIX + user + USER_INDEX_SUFFIX;
    }

    /**
     * The sorted set of token hashes by when they were last used (epoch ms). Not under the token prefix: writing it
     * must not invalidate near caches.
     */
    public String lastUsed() {
        return LAST_USED;
    }

    /** The stream of admin actions, shared by every instance. */
    public String audit() {
        return AUDIT;
    }

    /** The counter of a client address's invalid-token attempts in the current window. */
    public String failedAttempts(String clientAddress) {
        return FAILED_ATTEMPTS_PREFIX + clientAddress;
    }

    /** A runtime route's JSON definition. */
    public String route(String routeId) {
        return ROUTE_PREFIX + routeId;
    }

    /** The id of the runtime route stored under a key of {@link #routePattern()}. */
    public String routeId(String routeKey) {
        return routeKey.substring(ROUTE_PREFIX.length());
    }

    /** A {@code SCAN MATCH} pattern of every runtime route. */
    public String routePattern() {
        return ROUTE_PREFIX + "*";
    }

    /** Where an instance announces that it changed the routes. */
    public String routesChannel() {
        return ROUTES_CHANNEL;
    }

    /** Where a lifted brute-force block is announced: the message is the client address. */
    public String blocksLiftedChannel() {
        return BLOCKS_LIFTED_CHANNEL;
    }
}
