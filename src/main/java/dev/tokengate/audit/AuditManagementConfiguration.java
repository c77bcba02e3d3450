package dev.tokengate.audit;

import dev.tokengate.clientaddress.ClientAddresses;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;

/** The audit filter serves the management port only, where every admin action is. */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class AuditManagementConfiguration {

    @Bean
    AuditFilter auditFilter(WebEndpointProperties endpoints, AuditTrail trail, ClientAddresses clientAddresses) {
        return new AuditFilter(endpoints.getBasePath(), trail, clientAddresses);
    }
}
