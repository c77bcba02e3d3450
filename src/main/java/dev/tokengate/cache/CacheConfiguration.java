package dev.tokengate.cache;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisUseProperties;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = CacheProperties.PREFIX + ".enabled", matchIfMissing = true)
class CacheConfiguration {

    @Bean
    TokenCache tokenCache(CacheProperties properties, TokenStoreProperties storeProperties) {
        return new TokenCache(properties, storeProperties.tokenHashing() == TokenHashing.NONE);
    }

    @Bean
    CacheMetrics cacheMetrics(MeterRegistry registry, TokenCache cache) {
        return new CacheMetrics(registry, cache);
    }

    @Bean
    InvalidationTracker invalidationTracker(
            LettuceConnectionFactory connectionFactory,
            RedisKeys keys,
            RedisUseProperties redisProperties,
            TokenCache cache,
            CacheMetrics metrics) {
        return new InvalidationTracker(
                connectionFactory, keys.tokenPrefix(), redisProperties.redisTimeout(), cache, metrics);
    }

    /** Shown in /actuator/health as {@code nearCache}. */
    @Bean
    NearCacheHealthIndicator nearCacheHealthIndicator(InvalidationTracker tracker, TokenCache cache) {
        return new NearCacheHealthIndicator(tracker, cache);
    }

    @Bean
    NearCache nearCache(TokenCache cache, InvalidationTracker tracker, CacheMetrics metrics) {
        return new NearCache(cache, tracker, metrics);
    }
}
