package dev.tokengate.forwardauth;

import dev.tokengate.auth.AuthFailureWriter;
import dev.tokengate.auth.AuthProperties;
import dev.tokengate.auth.TokenCheck;
import dev.tokengate.clientaddress.ClientAddressProperties;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.firewall.RequestRejections;
import dev.tokengate.problem.ProblemResponseWriter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;

@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(AuthzProperties.PREFIX + ".enabled")
class AuthzConfiguration {

    /**
     * The calling proxy appends the address it received the original request from, so for the guard it is one more
     * trusted proxy in front of the gateway.
     */
    @Bean
    AuthzFilter authzFilter(
            AuthzProperties properties,
            AuthProperties authProperties,
            TokenCheck tokenCheck,
            AuthFailureWriter authFailureWriter,
            ClientAddressProperties clientAddressProperties,
            ServerWebExchangeFirewall requestFirewall,
            RequestRejections requestRejections,
            ProblemResponseWriter problemResponseWriter) {
        ClientAddresses behindTheProxy = new ClientAddresses(
                clientAddressProperties.trustedProxyCount() + 1, clientAddressProperties.clientAddressHeader());
        return new AuthzFilter(
                properties,
                authProperties,
                tokenCheck,
                authFailureWriter,
                behindTheProxy,
                requestFirewall,
                requestRejections,
                problemResponseWriter);
    }
}
