package dev.tokengate.upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Requests to upstreams. Their connection pool is Spring Cloud Gateway's, set under {@code
 * spring.cloud.gateway.server.webflux.httpclient.pool}; tokengate keeps one such pool per event loop.
 *
 * @param retryUnanswered Send a request that is safe to repeat (GET, HEAD or OPTIONS, without a body) once more, on a
 *     new connection, when the upstream closed or reset the connection it went out on before any byte of an
 *     answer came back.
 * @param wholeResponseMaxSize An upstream answer that declares a {@code Content-Length} up to this size is passed on
 *     in one write (status, headers, body and end together), larger or unknown ones as they arrive; {@code 0} streams
 *     every answer.
 */
@ConfigurationProperties(UpstreamProperties.PREFIX)
public record UpstreamProperties(
        @DefaultValue("true") boolean retryUnanswered,
        @DefaultValue("16KB") DataSize wholeResponseMaxSize) {

    public static final String PREFIX = "tokengate.upstream";
}
