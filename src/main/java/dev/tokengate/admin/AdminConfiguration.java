package dev.tokengate.admin;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import org.springframework.boot.actuate.endpoint.EndpointFilter;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    static final EndpointId GATEWAY_ENDPOINT = EndpointId.of("gateway");

    @Bean
    TokenAdministration tokenAdministration(SharedRedisConnection connection, RedisKeys keys) {
        return new TokenAdministration(connection, keys);
    }

    /**
     * Spring Cloud Gateway's actuator endpoint changes what the gateway routes: without an admin credential it is not
     * mapped at all. It is a controller endpoint, a kind Spring Boot deprecates but Spring Cloud Gateway still uses.
     */
    @Bean
    @SuppressWarnings("removal")
    EndpointFilter<org.springframework.boot.actuate.endpoint.web.annotation.ExposableControllerEndpoint>
            gatewayEndpointOnlyWithAdminCredential(AdminProperties properties) {
        return endpoint -> properties.isEnabled() || !GATEWAY_ENDPOINT.equals(endpoint.getEndpointId());
    }
}
