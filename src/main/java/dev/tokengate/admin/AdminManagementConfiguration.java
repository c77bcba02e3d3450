package dev.tokengate.admin;

import dev.tokengate.auth.AuthProperties;
import dev.tokengate.token.RedisTokenStore;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API lives in the management server's own context, so it is served on the management port only, and
 * exists only once an admin credential is configured.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(AdminCredentialConfigured.class)
public class AdminManagementConfiguration {

    @Bean
    RouterFunction<ServerResponse> adminRoutes(
            AdminProperties properties,
            AuthProperties authProperties,
            TokenAdministration administration,
            RedisTokenStore redisTokenStore,
            JsonMapper jsonMapper) {
        AdminResponses responses = new AdminResponses(jsonMapper);
        AdminHandler handler =
                new AdminHandler(properties, authProperties, administration, redisTokenStore, responses, jsonMapper);
        return AdminHandler.routes(handler);
    }
}
