package dev.tokengate.connection;

import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import io.netty.channel.Channel;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.WebsocketRoutingFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * Puts a WebSocket opened with a checked credential in {@link OpenConnections} for as long as its connection lasts;
 * a handshake that fails (the upstream refused it, say) takes the entry out at once.
 */
public final class OpenConnectionFilter implements GlobalFilter, Ordered {

    /** Just before the {@link WebsocketRoutingFilter} (whose order is {@code LOWEST_PRECEDENCE - 1}), after every check. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 2;

    private final OpenConnections connections;

    public OpenConnectionFilter(OpenConnections connections) {
        this.connections = connections;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        TokenRecord credential = exchange.getAttribute(ExchangeAttributes.AUTHENTICATED);
        RoutePolicy policy = exchange.getAttribute(ExchangeAttributes.ROUTE_POLICY);
        if (credential == null || policy == null || !isWebSocketUpgrade(exchange)) {
            return chain.filter(exchange);
        }
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (!(request instanceof Connection client)) {
            return chain.filter(exchange);
        }
        Channel channel = client.channel();
        OpenConnection open = new OpenConnection(channel, credential, policy);
        // In the index from before the handshake, so that no change of the credential during it goes unseen
        connections.add(open);
        return chain.filter(exchange).doFinally(signal -> {
            if (signal == SignalType.ON_COMPLETE && isWebSocket(channel)) {
                channel.closeFuture().addListener(closed -> connections.remove(open));
            } else {
                connections.remove(open);
            }
        });
    }

    /**
     * Whether the connection carries a WebSocket now: the exchange ends as soon as the handshake is answered, and the
     * WebSocket lasts until the connection closes (it never carries HTTP again).
     */
    private static boolean isWebSocket(Channel channel) {
        return channel.isActive() && ChannelOperations.get(channel) instanceof WebsocketInbound;
    }

    private static boolean isWebSocketUpgrade(ServerWebExchange exchange) {
        String upgrade = exchange.getRequest().getHeaders().getFirst(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
