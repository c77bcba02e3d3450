package dev.tokengate.access;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The access log.
 *
 * @param logProbes Also log health and Prometheus requests on the management port. Off: probes and scrapes every few
 *     seconds would bury the requests that matter.
 */
@ConfigurationProperties(AccessLogProperties.PREFIX)
public record AccessLogProperties(boolean logProbes) {

    public static final String PREFIX = "tokengate.access";
}
