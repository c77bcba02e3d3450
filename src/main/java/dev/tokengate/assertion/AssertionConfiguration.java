package dev.tokengate.assertion;

import dev.tokengate.cache.CacheProperties;
import dev.tokengate.cache.InvalidationTracker;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.TokenStoreProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

@Configuration(proxyBeanMethods = false)
class AssertionConfiguration {

    @Bean
    AssertionKeys assertionKeys(AssertionProperties properties, ResourceLoader resources) {
        AssertionKeys keys = AssertionKeys.load(properties, resources);
        if (properties.enabled()) {
            keys.warnIfGenerated();
        }
        return keys;
    }

    @Bean
    IdentityAssertions identityAssertions(
            AssertionKeys keys,
            AssertionProperties properties,
            CacheProperties cache,
            TokenStoreProperties tokens,
            MeterRegistry registry,
            ObjectProvider<InvalidationTracker> tracker) {
        IdentityAssertions assertions = new IdentityAssertions(
                keys, properties, cache.maxEntries(), tokens.tokenHashing(), registry, System::currentTimeMillis);
        tracker.ifAvailable(found -> found.addListener(assertions));
        return assertions;
    }

    @Bean
    JwksDocument jwksDocument(AssertionKeys keys, AssertionProperties properties) {
        return JwksDocument.of(keys, properties.jwks().maxAge());
    }

    @Bean
    @ConditionalOnBooleanProperty(AssertionProperties.PREFIX + ".jwks.on-client-port")
    JwksFilter jwksFilter(JwksDocument document, ProblemResponseWriter problems) {
        return new JwksFilter(document, problems);
    }
}
