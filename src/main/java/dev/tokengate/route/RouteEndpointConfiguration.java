package dev.tokengate.route;

import dev.tokengate.problem.ProblemResponseWriter;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.cloud.gateway.actuate.GatewayControllerEndpoint;
import org.springframework.context.annotation.Bean;

/** On the management port only: the main port's paths belong to the routes. */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnBean(GatewayControllerEndpoint.class)
public class RouteEndpointConfiguration {

    @Bean
    RouteEndpointFilter routeEndpointFilter(
            RedisRouteDefinitions runtimeRoutes, ProblemResponseWriter problems, WebEndpointProperties endpoints) {
        return new RouteEndpointFilter(runtimeRoutes, problems, endpoints.getBasePath());
    }
}
