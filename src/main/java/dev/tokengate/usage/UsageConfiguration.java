package dev.tokengate.usage;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenStoreProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UsageConfiguration {

    /** Records nothing when token keys hold raw tokens: the record would store them. */
    @Bean
    LastUseRecorder lastUseRecorder(
            SharedRedisConnection redis,
            RedisKeys keys,
            LastUseProperties properties,
            TokenStoreProperties storeProperties) {
        return new LastUseRecorder(
                redis, keys, properties, properties.enabled() && storeProperties.tokenHashing() == TokenHashing.SHA256);
    }
}
