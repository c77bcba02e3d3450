package dev.tokengate.firewall;

import dev.tokengate.problem.ProblemResponseWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;

/**
 * The request firewall of both ports. Its beans live in the main context; the management server's context sees them
 * too, so its security filter chain uses the same rules and answers ({@code WebFluxSecurityConfiguration} picks a
 * unique firewall and rejection handler).
 */
@Configuration(proxyBeanMethods = false)
class FirewallConfiguration {

    @Bean
    ServerWebExchangeFirewall requestFirewall() {
        return new RequestFirewallRules();
    }

    @Bean
    RequestRejections requestRejections(ProblemResponseWriter problemResponseWriter) {
        return new RequestRejections(problemResponseWriter);
    }

    @Bean
    RequestFirewallFilter requestFirewallFilter(
            ServerWebExchangeFirewall requestFirewall, RequestRejections rejections) {
        return new RequestFirewallFilter(requestFirewall, rejections);
    }
}
