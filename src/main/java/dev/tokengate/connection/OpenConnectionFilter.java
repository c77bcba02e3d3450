package dev.tokengate.connection;

import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.upstream.WholeResponseFilter;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
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
 * Puts what a checked credential keeps open in {@link OpenConnections}: a WebSocket for as long as its connection lasts
 * (a handshake that fails, the upstream refusing it say, takes the entry out at once), and an answer still streaming
 * after {@code stream-age} until it ends. Ordinary requests end before that age and are never indexed: they cost a
 * timer set and cancelled on their event loop.
 */
public final class OpenConnectionFilter implements GlobalFilter, Ordered {

    /** Around Spring Cloud Gateway's response writer and what runs inside it, so that an exchange lasts as its answer. */
    public static final int ORDER = WholeResponseFilter.ORDER - 1;

    private final OpenConnections connections;
    private final long streamAgeNanos;

    public OpenConnectionFilter(OpenConnections connections, Duration streamAge) {
        this.connections = connections;
        this.streamAgeNanos = streamAge.toNanos();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        TokenRecord credential = exchange.getAttribute(ExchangeAttributes.AUTHENTICATED);
        RoutePolicy policy = exchange.getAttribute(ExchangeAttributes.ROUTE_POLICY);
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (credential == null || policy == null || !(request instanceof Connection client)) {
            return chain.filter(exchange);
        }
        boolean webSocket = isWebSocketUpgrade(exchange);
        OpenConnection open = new OpenConnection(client.channel(), credential, policy, webSocket);
        return webSocket ? followWebSocket(open, exchange, chain) : followIfLong(open, exchange, chain);
    }

    private Mono<Void> followWebSocket(OpenConnection open, ServerWebExchange exchange, GatewayFilterChain chain) {
        Channel channel = open.channel();
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
     * Indexes the exchange once it is {@code stream-age} old, unless it has ended. The flag orders the timer against an
     * end on another thread: whichever comes second sees the other, so no entry outlives its exchange.
     */
    private Mono<Void> followIfLong(OpenConnection open, ServerWebExchange exchange, GatewayFilterChain chain) {
        AtomicBoolean ended = new AtomicBoolean();
        ScheduledFuture<?> indexing = open.channel()
                .eventLoop()
                .schedule(
                        () -> {
                            if (!ended.get()) {
                                connections.add(open);
                                if (ended.get()) {
                                    connections.remove(open);
                                }
                            }
                        },
                        streamAgeNanos,
                        TimeUnit.NANOSECONDS);
        return chain.filter(exchange).doFinally(signal -> {
            ended.set(true);
            indexing.cancel(false);
            connections.remove(open);
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
