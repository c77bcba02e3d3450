package dev.tokengate.route;

import dev.tokengate.auth.ClientCertificateSupport;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import dev.tokengate.token.TokenStoreProperties;
import dev.tokengate.upstream.RouteHttpClientFilter;
import io.lettuce.core.resource.ClientResources;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

    /** In place of Spring Cloud Gateway's router, which backs off when one is defined. */
    @Bean
    IndexedRoutePredicateHandlerMapping routePredicateHandlerMapping(
            FilteringWebHandler webHandler,
            RouteLocator routeLocator,
            GlobalCorsProperties globalCorsProperties,
            Environment environment,
            ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
        IndexedRoutePredicateHandlerMapping mapping =
                new IndexedRoutePredicateHandlerMapping(webHandler, routeLocator, globalCorsProperties, environment);
        apiVersionStrategy.ifAvailable(mapping::setApiVersionStrategy);
        return mapping;
    }

    @Bean
    RouteDefinitionCheck routeDefinitionCheck(
            List<RoutePredicateFactory<?>> predicates,
            List<GatewayFilterFactory<?>> filters,
            ConfigurationService configurationService,
            ServerProperties server,
            TokenStoreProperties tokens,
            SslBundles bundles) {
        return new RouteDefinitionCheck(predicates, filters, configurationService, metadata -> {
            List<String> problems = new ArrayList<>(RouteHttpClientFilter.problems(metadata, bundles));
            String certificates = ClientCertificateSupport.problem(metadata, server.getSsl(), tokens.tokenHashing());
            if (certificates != null) {
                problems.add(certificates);
            }
            return problems;
        });
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
    RoutesNotReadFilter routesNotReadFilter(RedisRouteDefinitions routes, ProblemResponseWriter problems) {
        return new RoutesNotReadFilter(routes, problems);
    }

    /** Shown in /actuator/health as {@code routes}, and part of the readiness group. */
    @Bean
    RoutesHealthIndicator routesHealthIndicator(RedisRouteDefinitions routes) {
        return new RoutesHealthIndicator(routes);
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
