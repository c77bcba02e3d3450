package dev.tokengate.access;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AccessConfiguration {

    @Bean
    AccessLogFilter accessLogFilter() {
        return new AccessLogFilter();
    }
}
