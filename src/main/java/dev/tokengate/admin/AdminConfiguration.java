package dev.tokengate.admin;

import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.SharedRedisConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    TokenAdministration tokenAdministration(SharedRedisConnection connection, RedisTokenStore redisTokenStore) {
        return new TokenAdministration(connection, redisTokenStore);
    }
}
