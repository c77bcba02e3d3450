package dev.tokengate.cache;

import dev.tokengate.auth.AuthProperties;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = CacheProperties.PREFIX + ".enabled", matchIfMissing = true)
class CacheConfiguration {

    @Bean
    TokenCache tokenCache(CacheProperties properties, AuthProperties authProperties) {
        return new TokenCache(properties, authProperties.tokenHashing() == TokenHashing.NONE);
    }

    @Bean
    CacheMetrics cacheMetrics(MeterRegistry registry, TokenCache cache) {
        return new CacheMetrics(registry, cache);
    }

    @Bean
    InvalidationTracker invalidationTracker(
            LettuceConnectionFactory connectionFactory,
            AuthProperties authProperties,
            TokenCache cache,
            CacheMetrics metrics) {
        return new InvalidationTracker(
                connectionFactory, authProperties.keyPrefix(), authProperties.redisTimeout(), cache, metrics);
    }

    /** Takes the place of the plain Redis store wherever a {@code TokenStore} is asked for. */
    @Bean
    @Primary
    CachingTokenStore cachingTokenStore(
            RedisTokenStore redisTokenStore, TokenCache cache, InvalidationTracker tracker, CacheMetrics metrics) {
        return new CachingTokenStore(redisTokenStore, cache, tracker, metrics);
    }
}
