package dev.tokengate.upstream;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dev.tokengate.http.ExchangeAttributes;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * Sends a request once more, on a new connection, when the upstream closed or reset the connection it went out on
 * before a single byte of an answer came back. That is what a keep-alive connection looks like that the upstream
 * closes just as a request arrives on it (Node.js closes idle ones after 5 s, and the gateway cannot know the moment):
 * the upstream most likely never read the request. A new connection, not another pooled one: pooled connections idle
 * as long as the first may be closing at the same moment.
 *
 * <p>Only requests that are safe to repeat (RFC 9110 section 9.2.1): GET, HEAD and OPTIONS without a body, as Go's
 * {@code http.Transport} does. Never after a byte of the answer (the upstream did answer, and may have acted), never a
 * request with a body, never twice. A request none of which left the gateway (its connection failed before the
 * request was written) is sent again by Reactor Netty itself, whatever its method.
 */
public final class UpstreamRetryFilter implements GlobalFilter, Ordered {

    /** Around the routing filters only, inside {@link EventLoopAffinityFilter}. */
    public static final int ORDER = NettyRoutingFilter.ORDER - 10;

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final boolean enabled;
    private final UpstreamMetrics metrics;

    UpstreamRetryFilter(boolean enabled, UpstreamMetrics metrics) {
        this.enabled = enabled;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!enabled || !safeToRepeat(exchange)) {
            return chain.filter(exchange);
        }
        UpstreamAttempt first = new UpstreamAttempt();
        return chain.filter(exchange)
                .contextWrite(first::in)
                .onErrorResume(error -> first.sentAndUnanswered() && closedOrReset(error), error -> {
                    ServerWebExchangeUtils.reset(exchange);
                    exchange.getAttributes().put(ExchangeAttributes.RETRIED, Boolean.TRUE);
                    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
                    metrics.retried(route != null ? route.getId() : "-");
                    return chain.filter(exchange).contextWrite(EventLoopConnectionProvider.newConnection());
                });
    }

    private static boolean safeToRepeat(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        URI upstream = exchange.getAttribute(GATEWAY_REQUEST_URL_ATTR);
        HttpHeaders headers = request.getHeaders();
        return SAFE.contains(request.getMethod())
                && upstream != null
                && ("http".equalsIgnoreCase(upstream.getScheme()) || "https".equalsIgnoreCase(upstream.getScheme()))
                && headers.getContentLength() <= 0
                && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** The connection closed or reset under the request, as opposed to a timeout. */
    private static boolean closedOrReset(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
