package dev.tokengate.audit;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    AuditTrail auditTrail(SharedRedisConnection redis, RedisKeys keys, AuditProperties properties) {
        return new AuditTrail(redis, keys, properties);
    }
}
