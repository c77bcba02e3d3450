package dev.tokengate.clientaddress;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ClientAddressConfiguration {

    /** The client address of the gateway's own routes; the authorization endpoint has its own, one proxy further. */
    @Bean
    ClientAddresses clientAddresses(ClientAddressProperties properties) {
        return new ClientAddresses(properties.trustedProxyCount(), properties.clientAddressHeader());
    }
}
