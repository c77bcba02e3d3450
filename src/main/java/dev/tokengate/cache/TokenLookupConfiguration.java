package dev.tokengate.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisUseProperties;
import dev.tokengate.redis.SharedRedisConnection;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.StaleIfUnavailableTokenStore;
import dev.tokengate.token.TokenStore;
import dev.tokengate.token.TokenStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The one place the lookup chain is put together, here beside the near cache it centres on: each link is a {@link
 * TokenStore} around the next.
 */
@Configuration(proxyBeanMethods = false)
class TokenLookupConfiguration {

    /**
     * What the token check asks, in the order a lookup passes through: stale-if-unavailable (opt-in), the near cache
     * (unless disabled), Redis.
     */
    @Bean
    @Primary
    TokenStore tokenStore(
            RedisTokenStore redis,
            ObjectProvider<NearCache> nearCache,
            TokenStoreProperties properties,
            MeterRegistry registry) {
        return staleIfUnavailable(properties, registry, nearCache(nearCache.getIfAvailable(), redis));
    }

    /** Redis itself; the admin API asks it directly, so that it never answers from a cache. */
    @Bean
    RedisTokenStore redisTokenStore(
            SharedRedisConnection connection,
            RedisKeys keys,
            TokenStoreProperties properties,
            RedisUseProperties redisProperties,
            MeterRegistry registry) {
        return new RedisTokenStore(
                connection, keys, properties.tokenHashing(), redisProperties.redisTimeout(), registry);
    }

    private static TokenStore staleIfUnavailable(
            TokenStoreProperties properties, MeterRegistry registry, TokenStore next) {
        return properties.staleIfUnavailable() == null
                ? next
                : new StaleIfUnavailableTokenStore(
                        next, properties.staleIfUnavailable(), registry, Ticker.systemTicker());
    }

    private static TokenStore nearCache(NearCache nearCache, RedisTokenStore next) {
        return nearCache == null ? next : nearCache.inFrontOf(next);
    }
}
