package dev.tokengate.auth;

import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tokengate finds and checks tokens, and what it tells the upstream.
 *
 * @param keyPrefix Prefix of the Redis key of each token; the key is this prefix followed by the hashed token.
 * @param tokenHashing How the raw token becomes the rest of the key: sha256 (lowercase hex of the token's SHA-256) or
 *     none (the raw token, for login services that already store it that way).
 * @param schemes Authorization schemes that carry a token, matched case-insensitively. Token is the Django REST
 *     Framework style.
 * @param userHeader Request header that carries the authenticated user id to the upstream. A client-sent one is always
 *     removed.
 * @param scopesHeader Request header that carries the token's space-separated scopes to the upstream. A client-sent
 *     one is always removed.
 * @param forwardCredentials Whether the Authorization header is passed on to the upstream after a successful check.
 * @param redisTimeout How long a token lookup may take before the request is answered 503.
 * @param staleIfUnavailable Opt-in degradation, off unless set: while Redis is unreachable or too slow, a token that
 *     was validated within this window is still accepted with the identity it had then. Revocations made during the
 *     outage are not seen. Unset, the gateway fails closed (503).
 * @param failedAttemptsPerMinute Invalid-token attempts a client address may make within a minute, counted in Redis
 *     across all instances; past it the address gets 429 until the minute is over. 0 turns the guard off.
 * @param trustedProxies How many proxies in front of the gateway append to X-Forwarded-For. 0 (the default) takes the
 *     client address from the connection; behind one load balancer, set 1 so the guard counts clients, not the
 *     balancer. Never set it higher than the proxies really there: clients could then choose their address.
 * @param clientAddressHeader The header the trusted proxies append the client's address to: x-forwarded-for, or
 *     forwarded (RFC 7239). Read only when trusted-proxies is above 0.
 */
@ConfigurationProperties(AuthProperties.PREFIX)
public record AuthProperties(
        @DefaultValue(DEFAULT_KEY_PREFIX) String keyPrefix,
        @DefaultValue(DEFAULT_TOKEN_HASHING) TokenHashing tokenHashing,

        @DefaultValue({DEFAULT_SCHEME_BEARER, DEFAULT_SCHEME_TOKEN})
        List<String> schemes,

        @DefaultValue(DEFAULT_USER_HEADER) String userHeader,
        @DefaultValue(DEFAULT_SCOPES_HEADER) String scopesHeader,
        @DefaultValue("false") boolean forwardCredentials,
        @DefaultValue(DEFAULT_REDIS_TIMEOUT) Duration redisTimeout,
        Duration staleIfUnavailable,
        @DefaultValue(DEFAULT_FAILED_ATTEMPTS_PER_MINUTE) int failedAttemptsPerMinute,
        @DefaultValue("0") int trustedProxies,
        @DefaultValue(DEFAULT_CLIENT_ADDRESS_HEADER) ClientAddressHeader clientAddressHeader) {

    public static final String PREFIX = "tokengate.auth";

    public static final String DEFAULT_KEY_PREFIX = "auth:token:";
    public static final String DEFAULT_TOKEN_HASHING = "sha256";
    public static final String DEFAULT_SCHEME_BEARER = "Bearer";
    public static final String DEFAULT_SCHEME_TOKEN = "Token";
    public static final String DEFAULT_USER_HEADER = "X-User-Id";
    public static final String DEFAULT_SCOPES_HEADER = "X-User-Scopes";
    public static final String DEFAULT_REDIS_TIMEOUT = "500ms";
    public static final String DEFAULT_FAILED_ATTEMPTS_PER_MINUTE = "60";
    public static final String DEFAULT_CLIENT_ADDRESS_HEADER = "x-forwarded-for";

    public AuthProperties {
        require(keyPrefix != null && !keyPrefix.isEmpty(), "key-prefix must not be empty");
        require(schemes != null && !schemes.isEmpty(), "schemes must name at least one scheme");
        schemes.forEach(scheme -> require(HttpTokens.isToken(scheme), "scheme '" + scheme + "' is not an HTTP token"));
        require(HttpTokens.isToken(userHeader), "user-header '" + userHeader + "' is not a header name");
        require(HttpTokens.isToken(scopesHeader), "scopes-header '" + scopesHeader + "' is not a header name");
        require(!userHeader.equalsIgnoreCase(scopesHeader), "user-header and scopes-header must differ");
        require(
                redisTimeout != null && !redisTimeout.isNegative() && !redisTimeout.isZero(),
                "redis-timeout must be positive");
        require(
                staleIfUnavailable == null || (!staleIfUnavailable.isNegative() && !staleIfUnavailable.isZero()),
                "stale-if-unavailable must be positive, or left unset to fail closed");
        require(failedAttemptsPerMinute >= 0, "failed-attempts-per-minute must not be negative (0 turns it off)");
        require(trustedProxies >= 0, "trusted-proxies must not be negative");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(PREFIX + "." + message);
        }
    }
}
