package dev.tokengate.route;

import dev.tokengate.token.SharedRedisConnection;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

    @Bean
    RouteChangeBroadcaster routeChangeBroadcaster(SharedRedisConnection connection, ApplicationEventPublisher events) {
        return new RouteChangeBroadcaster(connection, events);
    }
}
