package dev.tokengate.auth;

import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.guard.FailedAttemptGuard;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.TokenStore;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.DefaultRedisScript;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    TokenCheck tokenCheck(
            AuthProperties properties,
            TokenStore tokenStore,
            FailedAttemptGuard guard,
            ClientAddresses clientAddresses,
            LastUseRecorder lastUseRecorder,
            MeterRegistry meterRegistry) {
        return new TokenCheck(properties, tokenStore, guard, clientAddresses, lastUseRecorder, meterRegistry);
    }

    @Bean
    TokenAuthenticationFilter tokenAuthenticationFilter(
            AuthProperties properties, TokenCheck tokenCheck, AuthFailureWriter authFailureWriter) {
        return new TokenAuthenticationFilter(properties, tokenCheck, authFailureWriter);
    }

    @Bean
    AuthFailureWriter authFailureWriter(ProblemResponseWriter problemResponseWriter) {
        return new AuthFailureWriter(problemResponseWriter);
    }

    @Bean(AuthenticatedUserKeyResolver.BEAN_NAME)
    AuthenticatedUserKeyResolver userKeyResolver() {
        return new AuthenticatedUserKeyResolver();
    }

    /**
     * Reads the Lua script of Spring Cloud Gateway's {@code RedisRateLimiter} once, at startup, and keeps its text.
     * Read from a jar, Spring Data cannot tell whether the file changed and reads it again on every use: a blocking
     * file read on an event loop for each rate-limited request.
     */
    @Bean
    SmartInitializingSingleton keepRedisScriptsInMemory(ListableBeanFactory beans) {
        return () -> beans.getBeansOfType(DefaultRedisScript.class)
                .values()
                .forEach(script -> script.setScriptText(script.getScriptAsString()));
    }
}
