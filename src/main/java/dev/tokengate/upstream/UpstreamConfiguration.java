package dev.tokengate.upstream;

import dev.tokengate.assertion.AssertionProperties;
import dev.tokengate.assertion.IdentityAssertions;
import dev.tokengate.auth.AuthProperties;
import dev.tokengate.clientaddress.ClientAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;

@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean
    UpstreamHeadersFilter upstreamHeadersFilter(
            AuthProperties properties,
            AssertionProperties assertion,
            ClientAddresses clientAddresses,
            IdentityAssertions assertions) {
        return new UpstreamHeadersFilter(properties, assertion.header(), clientAddresses, assertions);
    }

    @Bean
    UpstreamMetrics upstreamMetrics(MeterRegistry registry) {
        return new UpstreamMetrics(registry);
    }

    /** Takes the place of Spring Cloud Gateway's own factory, which backs off when another exists. */
    @Bean
    UpstreamHttpClientFactory upstreamHttpClientFactory(
            HttpClientProperties properties,
            ServerProperties serverProperties,
            HttpClientSslConfigurer sslConfigurer,
            List<HttpClientCustomizer> customizers,
            ReactorResourceFactory resources,
            UpstreamMetrics metrics) {
        return new UpstreamHttpClientFactory(
                properties, serverProperties, sslConfigurer, customizers, resources, metrics);
    }

    @Bean
    RouteHttpClientFilter routeHttpClientFilter(
            HttpClient httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties,
            ServerProperties serverProperties,
            SslBundles bundles) {
        return new RouteHttpClientFilter(httpClient, headersFilters, properties, serverProperties, bundles);
    }

    @Bean
    EventLoopAffinityFilter eventLoopAffinityFilter() {
        return new EventLoopAffinityFilter();
    }

    @Bean
    WholeResponseFilter wholeResponseFilter(UpstreamProperties properties) {
        return new WholeResponseFilter(properties.wholeResponseMaxSize().toBytes());
    }

    @Bean
    UpstreamRetryFilter upstreamRetryFilter(UpstreamProperties properties, UpstreamMetrics metrics) {
        return new UpstreamRetryFilter(properties.retryUnanswered(), metrics);
    }
}
