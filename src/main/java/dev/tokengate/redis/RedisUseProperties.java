package dev.tokengate.redis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * How tokengate uses Redis. The connection itself is Spring Boot's {@code spring.data.redis.*}; these two settings sit
 * under {@code tokengate.auth} for compatibility with earlier releases.
 *
 * @param keyPrefix Prefix of the Redis key of each token; the key is this prefix followed by the hashed token.
 * @param redisTimeout How long a Redis command may take: past it a token lookup is answered 503, and a heartbeat of the
 *     near cache's tracking connection counts as missed.
 */
@ConfigurationProperties(RedisUseProperties.PREFIX)
public record RedisUseProperties(
        @DefaultValue(RedisKeys.DEFAULT_TOKEN_PREFIX) String keyPrefix,
        @DefaultValue(DEFAULT_REDIS_TIMEOUT) Duration redisTimeout) {

    public static final String PREFIX = "tokengate.auth";
    public static final String DEFAULT_REDIS_TIMEOUT = "500ms";

    public RedisUseProperties {
        Assert.isTrue(keyPrefix != null && !keyPrefix.isEmpty(), PREFIX + ".key-prefix must not be empty");
        Assert.isTrue(
                redisTimeout != null && !redisTimeout.isNegative() && !redisTimeout.isZero(),
                PREFIX + ".redis-timeout must be positive");
    }
}
