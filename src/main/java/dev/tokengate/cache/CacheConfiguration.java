package dev.tokengate.cache;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisUseProperties;
import dev.tokengate.token.TokenStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = CacheProperties.PREFIX + ".enabled", matchIfMissing = true)
class CacheConfiguration {

    @Bean
    TokenCache tokenCache(CacheProperties properties, TokenStoreProperties storeProperties) {
        return new TokenCache(properties, storeProperties.tokenHashing());
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

    /**
     * The near cache's state for admins, in /actuator/health as {@code nearCache}: whether Redis tracks token keys for
     * this instance (so cached answers are served) and how many entries it holds. Always UP: with tracking off,
     * lookups go to Redis and stay correct.
     */
    @Bean
    HealthIndicator nearCacheHealthIndicator(InvalidationTracker tracker, TokenCache cache) {
        return () -> Health.up()
                .withDetails(tracker.details())
                .withDetail("entries", cache.size())
                .build();
    }

    @Bean
    NearCache nearCache(TokenCache cache, InvalidationTracker tracker, CacheMetrics metrics) {
        return new NearCache(cache, tracker, metrics);
    }
}
