package dev.tokengate.connection;

import dev.tokengate.cache.CacheProperties;
import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.token.TokenStore;
import dev.tokengate.token.TokenStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

@Configuration(proxyBeanMethods = false)
class ConnectionConfiguration {

    @Bean
    OpenConnections openConnections(
            TokenStore tokens,
            RedisKeys keys,
            TokenStoreProperties properties,
            MeterRegistry registry,
            ObjectProvider<InvalidationTracker> tracker) {
        OpenConnections connections =
                new OpenConnections(lookupByKey(tokens, keys, properties.tokenHashing()), registry);
        tracker.ifAvailable(found -> found.addListener(connections));
        return connections;
    }

    /** Only without the near cache: with it, its invalidations tell which connections to check, and when. */
    @Bean
    @ConditionalOnBooleanProperty(name = CacheProperties.PREFIX + ".enabled", havingValue = false)
    PeriodicRecheck periodicRecheck(OpenConnections connections, ConnectionProperties properties) {
        return new PeriodicRecheck(connections, properties.recheckInterval());
    }

    @Bean
    OpenConnectionFilter openConnectionFilter(OpenConnections connections, ConnectionProperties properties) {
        return new OpenConnectionFilter(connections, properties.streamAge());
    }

    /**
     * A credential's record by its Redis key, through the same lookup as a request's (near cache, stale answers while
     * Redis is away): the key holds the SHA-256 of the token or certificate, or with {@code token-hashing: none} the
     * token itself, which is then no more exposed here than in Redis.
     */
    private static Function<String, Mono<TokenRecord>> lookupByKey(
            TokenStore tokens, RedisKeys keys, TokenHashing hashing) {
        return key -> hashing == TokenHashing.SHA256
                ? tokens.lookupHash(keys.hashedTokenOf(key))
                : tokens.lookup(keys.hashedTokenOf(key));
    }
}
