package dev.tokengate.access;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/** On the management port only: the same paths on the gateway's port belong to the routes, and are logged. */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnBooleanProperty(
        name = AccessLogProperties.PREFIX + ".log-probes",
        havingValue = false,
        matchIfMissing = true)
public class AccessManagementConfiguration {

    @Bean
    ProbeRequestsFilter probeRequestsFilter(WebEndpointProperties endpoints) {
        return new ProbeRequestsFilter(endpoints.getBasePath());
    }
}
