package dev.tokengate.cache;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The near cache of token lookups, kept true by Redis server-assisted client-side caching.
 *
 * @param enabled Whether token lookups are cached in the gateway. When off, every request costs one Redis round trip.
 * @param maxEntries Most token lookups held at once, valid and unknown ones together.
 * @param ttl Longest time a valid token is served from the cache; a token whose key expires sooner is cached only
 *     until its expiry.
 * @param negativeTtl How long the fact that a token is unknown is remembered, so that a client repeating a bad token
 *     does not reach Redis on every request. Issuing the token ends it at once.
 */
@ConfigurationProperties(CacheProperties.PREFIX)
public record CacheProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue(DEFAULT_MAX_ENTRIES) int maxEntries,
        @DefaultValue(DEFAULT_TTL) Duration ttl,
        @DefaultValue(DEFAULT_NEGATIVE_TTL) Duration negativeTtl) {

    public static final String PREFIX = "tokengate.cache";

    public static final String DEFAULT_MAX_ENTRIES = "100000";
    public static final String DEFAULT_TTL = "5m";
    public static final String DEFAULT_NEGATIVE_TTL = "2s";

    public CacheProperties {
        require(maxEntries > 0, "max-entries must be positive");
        require(ttl != null && !ttl.isNegative() && !ttl.isZero(), "ttl must be positive");
        require(negativeTtl != null && !negativeTtl.isNegative(), "negative-ttl must not be negative");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(PREFIX + "." + message);
        }
    }
}
