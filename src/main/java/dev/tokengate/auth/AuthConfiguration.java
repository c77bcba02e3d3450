package dev.tokengate.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.StaleIfUnavailableTokenStore;
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
        TokenStore checked = properties.staleIfUnavailable() == null
                ? tokenStore
                : new StaleIfUnavailableTokenStore(
                        tokenStore, properties.staleIfUnavailable(), meterRegistry, Ticker.systemTicker());
        return new TokenAuthenticationFilter(properties, checked, authFailureWriter, meterRegistry);
    }

    @Bean
    RoutePolicyValidator routePolicyValidator() {
        return new RoutePolicyValidator();
    }
}
