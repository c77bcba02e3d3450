package dev.tokengate.guard;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class GuardConfiguration {

    /** Off (counting nothing, blocking nobody) with {@code failed-attempts-per-minute: 0}. */
    @Bean
    FailedAttemptGuard failedAttemptGuard(SharedRedisConnection redis, RedisKeys keys, GuardProperties properties) {
        return new FailedAttemptGuard(
                redis,
                keys,
                properties.failedAttemptsPerMinute(),
                Duration.ofMinutes(1),
                Ticker.systemTicker(),
                new AddressGroups(properties.guard().ipv6PrefixLength()));
    }

    @Bean
    BlockLifts blockLifts(SharedRedisConnection redis, RedisKeys keys, FailedAttemptGuard guard) {
        return new BlockLifts(redis, keys, guard);
    }
}
