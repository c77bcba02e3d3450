package dev.tokengate.route;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import io.lettuce.core.resource.ClientResources;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

    /** Takes the place of Spring Cloud Gateway's in-memory repository for routes added at runtime. */
    @Bean
    RedisRouteDefinitions redisRouteDefinitions(
            SharedRedisConnection connection, RedisKeys keys, JsonMapper jsonMapper) {
        return new RedisRouteDefinitions(connection, keys, jsonMapper);
    }

    @Bean
    RouteChangeBroadcaster routeChangeBroadcaster(
            SharedRedisConnection connection,
            RedisKeys keys,
            ApplicationEventPublisher events,
            ClientResources redisResources) {
        return new RouteChangeBroadcaster(connection, keys, events, redisResources.eventBus());
    }
}
