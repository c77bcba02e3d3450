package dev.tokengate.auth;

import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.TokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    AuthFailureWriter authFailureWriter(ProblemResponseWriter problemResponseWriter) {
        return new AuthFailureWriter(problemResponseWriter);
    }

    @Bean
    TokenAuthenticationFilter tokenAuthenticationFilter(
            AuthProperties properties,
            TokenStore tokenStore,
            AuthFailureWriter authFailureWriter,
            MeterRegistry meterRegistry) {
        return new TokenAuthenticationFilter(properties, tokenStore, authFailureWriter, meterRegistry);
    }

    @Bean
    RoutePolicyValidator routePolicyValidator() {
        return new RoutePolicyValidator();
    }
}
