package dev.tokengate.upstream;

import dev.tokengate.auth.AuthProperties;
import dev.tokengate.auth.ClientAddresses;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class UpstreamConfiguration {

    @Bean
    UpstreamHeadersFilter upstreamHeadersFilter(AuthProperties properties, ClientAddresses clientAddresses) {
        return new UpstreamHeadersFilter(properties.userHeader(), properties.scopesHeader(), clientAddresses);
    }
}
