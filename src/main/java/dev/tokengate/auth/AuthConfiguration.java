package dev.tokengate.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.SharedRedisConnection;
import dev.tokengate.token.StaleIfUnavailableTokenStore;
import dev.tokengate.token.TokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.DefaultRedisScript;

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
            SharedRedisConnection redis,
            ClientAddresses clientAddresses,
            MeterRegistry meterRegistry) {
        TokenStore checked = properties.staleIfUnavailable() == null
                ? tokenStore
                : new StaleIfUnavailableTokenStore(
                        tokenStore, properties.staleIfUnavailable(), meterRegistry, Ticker.systemTicker());
        FailedAttemptGuard guard = properties.failedAttemptsPerMinute() == 0
                ? null
                : new FailedAttemptGuard(
                        redis, properties.failedAttemptsPerMinute(), Duration.ofMinutes(1), Ticker.systemTicker());
        return new TokenAuthenticationFilter(
                properties, checked, authFailureWriter, guard, clientAddresses, meterRegistry);
    }

    @Bean
    ClientAddresses clientAddresses(AuthProperties properties) {
        return new ClientAddresses(properties.trustedProxies(), properties.clientAddressHeader());
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

    @Bean
    RoutePolicyValidator routePolicyValidator() {
        return new RoutePolicyValidator();
    }
}
