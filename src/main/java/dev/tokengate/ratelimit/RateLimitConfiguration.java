package dev.tokengate.ratelimit;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/** What tokengate adds to Spring Cloud Gateway's {@code RequestRateLimiter}: a key per user, and its script kept. */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

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
