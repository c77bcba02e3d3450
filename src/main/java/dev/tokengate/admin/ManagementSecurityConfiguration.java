package dev.tokengate.admin;

import dev.tokengate.assertion.JwksDocument;
import dev.tokengate.problem.ProblemResponseWriter;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Everything on the management port is closed unless named here: health (probes) and Prometheus are open (health's
 * details for the admin only), the rest
 * (the admin API, Spring Cloud Gateway's endpoint, any endpoint an operator exposes) takes the admin credential, and
 * without one configured answers 404. Spring Security decides on the path its matchers share with WebFlux's router
 * (decoded, {@code ;} parameters removed), after the firewall has refused every path that is not canonical; the
 * firewall and its problem+json answers are the main context's beans, the same rules as on the gateway's port.
 */
@EnableWebFluxSecurity
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ManagementSecurityConfiguration {

    @Bean
    AdminCredentials adminCredentials(AdminProperties properties) {
        return new AdminCredentials(properties);
    }

    @Bean
    SecurityWebFilterChain managementSecurity(
            ServerHttpSecurity http,
            AdminCredentials credentials,
            ProblemResponseWriter problems,
            WebEndpointProperties endpoints) {
        ManagementEntryPoint entryPoint = new ManagementEntryPoint(credentials, problems);
        String actuator = endpoints.getBasePath();
        ServerWebExchangeMatcher open = ServerWebExchangeMatchers.pathMatchers(
                actuator + "/health", actuator + "/health/**", actuator + "/prometheus", JwksDocument.PATH);
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(adminAuthentication(credentials, entryPoint, open), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAt(adminOnOpenPaths(credentials, open), SecurityWebFiltersOrder.AUTHENTICATION)
                .exceptionHandling(handling -> handling.authenticationEntryPoint(entryPoint))
                .authorizeExchange(exchanges -> {
                    exchanges.matchers(open).permitAll();
                    if (credentials.isConfigured()) {
                        exchanges.anyExchange().hasRole(AdminCredentials.ADMIN);
                    } else {
                        exchanges.anyExchange().denyAll();
                    }
                })
                .build();
    }

    /**
     * Not on the open paths: a scraper or probe that sends a bearer token of its own (Prometheus with a Kubernetes
     * service account token, say) must not be refused for not presenting the admin credential.
     */
    private static AuthenticationWebFilter adminAuthentication(
            AdminCredentials credentials, ManagementEntryPoint entryPoint, ServerWebExchangeMatcher open) {
        return adminCredentialFilter(
                credentials,
                new NegatedServerWebExchangeMatcher(open),
                new ServerAuthenticationEntryPointFailureHandler(entryPoint));
    }

    /**
     * On the open paths the admin credential is recognised but never demanded: health shows its components and
     * details to an admin ({@code management.endpoint.health.show-details: when-authorized}), its status to anyone,
     * and any other bearer token is ignored rather than refused.
     */
    private static AuthenticationWebFilter adminOnOpenPaths(
            AdminCredentials credentials, ServerWebExchangeMatcher open) {
        return adminCredentialFilter(
                credentials, open, (exchange, failure) -> exchange.getChain().filter(exchange.getExchange()));
    }

    private static AuthenticationWebFilter adminCredentialFilter(
            AdminCredentials credentials,
            ServerWebExchangeMatcher where,
            ServerAuthenticationFailureHandler onFailure) {
        AuthenticationWebFilter filter = new AuthenticationWebFilter(credentials);
        filter.setRequiresAuthenticationMatcher(where);
        filter.setServerAuthenticationConverter(new AdminTokenConverter());
        filter.setAuthenticationFailureHandler(onFailure);
        return filter;
    }
}
