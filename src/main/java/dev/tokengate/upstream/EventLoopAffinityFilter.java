package dev.tokengate.upstream;

import io.netty.channel.EventLoop;
import java.util.function.Function;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Tells {@link EventLoopConnectionProvider} which event loop the exchange's client connection lives on, through the
 * Reactor context of the routing that follows, so that the upstream connection is taken from that loop's pool.
 */
public final class EventLoopAffinityFilter implements GlobalFilter, Ordered {

    /** Just before the routing filters, around them and {@link UpstreamRetryFilter}. */
    public static final int ORDER = NettyRoutingFilter.ORDER - 20;

    private static final String CONTEXT_KEY = EventLoopAffinityFilter.class.getName() + ".eventLoop";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        // An HTTP/2 stream the client has reset meanwhile (during a Redis lookup, say) is no longer registered with
        // any loop; its request is routed without a preference and fails on its closed body.
        if (request instanceof Connection connection && connection.channel().isRegistered()) {
            return chain.filter(exchange).contextWrite(on(connection.channel().eventLoop()));
        }
        return chain.filter(exchange);
    }

    /** Names {@code loop} as the event loop of the client connection, for what runs in the context. */
    static Function<Context, Context> on(EventLoop loop) {
        return context -> context.put(CONTEXT_KEY, loop);
    }

    /** The event loop of the client connection whose exchange is being routed, or null outside one. */
    static EventLoop of(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, null);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
