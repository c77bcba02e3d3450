package dev.tokengate.route;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

    @Bean
    RouteDefinitionCheck routeDefinitionCheck(
            List<RoutePredicateFactory<?>> predicates,
            List<GatewayFilterFactory<?>> filters,
            ConfigurationService configurationService) {
        return new RouteDefinitionCheck(predicates, filters, configurationService);
    }

    @Bean
    ConfiguredRoutesCheck configuredRoutesCheck(GatewayProperties gateway, RouteDefinitionCheck check) {
        return new ConfiguredRoutesCheck(gateway, check);
    }

    /** Takes the place of Spring Cloud Gateway's in-memory repository for routes added at runtime. */
    @Bean
    RedisRouteDefinitions redisRouteDefinitions(
            SharedRedisConnection connection, RedisKeys keys, JsonMapper jsonMapper, RouteDefinitionCheck check) {
        return new RedisRouteDefinitions(connection, keys, jsonMapper, check);
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
