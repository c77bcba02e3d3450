package dev.tokengate.upstream;

import dev.tokengate.auth.AuthProperties;
import dev.tokengate.clientaddress.ClientAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The way upstream. {@link UpstreamHttpClientFactory}, imported, takes the place of Spring Cloud Gateway's own factory,
 * which backs off when another exists.
 */
@Configuration(proxyBeanMethods = false)
@Import(UpstreamHttpClientFactory.class)
class UpstreamConfiguration {

    @Bean
    UpstreamHeadersFilter upstreamHeadersFilter(AuthProperties properties, ClientAddresses clientAddresses) {
        return new UpstreamHeadersFilter(properties.userHeader(), properties.scopesHeader(), clientAddresses);
    }

    @Bean
    UpstreamMetrics upstreamMetrics(MeterRegistry registry) {
        return new UpstreamMetrics(registry);
    }

    @Bean
    EventLoopAffinityFilter eventLoopAffinityFilter() {
        return new EventLoopAffinityFilter();
    }

    @Bean
    UpstreamRetryFilter upstreamRetryFilter(UpstreamProperties properties, UpstreamMetrics metrics) {
        return new UpstreamRetryFilter(properties.retryUnanswered(), metrics);
    }
}
