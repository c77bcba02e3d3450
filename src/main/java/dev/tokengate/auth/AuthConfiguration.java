package dev.tokengate.auth;

import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.guard.FailedAttemptGuard;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.TokenStore;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    TokenCheck tokenCheck(
            AuthProperties properties,
            TokenStore tokenStore,
            FailedAttemptGuard guard,
            LastUseRecorder lastUseRecorder,
            MeterRegistry meterRegistry) {
        return new TokenCheck(properties, tokenStore, guard, lastUseRecorder, meterRegistry);
    }

    @Bean
    TokenAuthenticationFilter tokenAuthenticationFilter(
            AuthProperties properties,
            TokenCheck tokenCheck,
            ClientAddresses clientAddresses,
            AuthFailureWriter authFailureWriter) {
        return new TokenAuthenticationFilter(properties, tokenCheck, clientAddresses, authFailureWriter);
    }

    @Bean
    AuthFailureWriter authFailureWriter(ProblemResponseWriter problemResponseWriter) {
        return new AuthFailureWriter(problemResponseWriter);
    }
}
