package dev.tokengate.admin;

import dev.tokengate.audit.AuditTrail;
import dev.tokengate.guard.BlockLifts;
import dev.tokengate.token.RedisTokenStore;
import java.io.IOException;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

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
            TokenAdministration administration,
            RedisTokenStore redisTokenStore,
            BlockLifts blockLifts,
            AuditTrail auditTrail)
            throws IOException {
        return AdminApi.routes(
                new TokensHandler(properties, administration, redisTokenStore),
                new CertificatesHandler(properties, administration, redisTokenStore),
                new UsersHandler(administration),
                new BlocksHandler(blockLifts),
                new AuditHandler(auditTrail),
                new ClassPathResource(AdminApi.DESCRIPTION).getContentAsByteArray());
    }
}
