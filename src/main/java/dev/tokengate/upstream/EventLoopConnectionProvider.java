package dev.tokengate.upstream;

import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolverGroup;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.transport.TransportConfig;
import reactor.util.context.Context;

/**
 * Upstream connections kept per event loop, as Envoy keeps them per worker thread: a request is sent on a connection
 * that lives on the event loop of the client connection it came in on ({@link EventLoopAffinityFilter}). Everything
 * that happens to the pair then happens on one thread, in order: the answer read and written back, the upstream
 * connection handed back to the pool, and the cancel when the client goes away.
 *
 * <p>With one pool for all loops, a client that leaves cancels its exchange on its own loop, and Reactor Netty closes
 * the exchange's upstream connection by queueing the close to the loop that connection lives on. That loop may in the
 * meantime have read the end of the answer, put the connection back in the pool and given it to the next request, on
 * which the close then lands: a 502 for a request that did nothing wrong, and a reset for the upstream in the middle
 * of answering it (issue 27). Per loop, the close runs before the connection is handed back or not at all.
 *
 * <p>Each loop's pool has the settings of the pool it is built from ({@code spring.cloud.gateway.server.webflux
 * .httpclient.pool.*}), limits included, so a limit applies per loop. A connection is acquired on its loop, where
 * Reactor Netty registers a new connection. Acquisitions outside a gateway exchange use the pool it is built from.
 * A request marked {@link #newConnection()} gets a connection of its own, opened for it and closed after it.
 */
final class EventLoopConnectionProvider implements ConnectionProvider {

    private static final String NEW_CONNECTION = EventLoopConnectionProvider.class.getName() + ".newConnection";
    private static final ConnectionProvider UNPOOLED = ConnectionProvider.newConnection();

    private final ConnectionProvider template;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();

    private EventLoopConnectionProvider(ConnectionProvider template) {
        this.template = template;
    }

    /**
     * Pools like {@code template}, one per event loop; {@code template} itself if it does not pool (a new connection
     * per request has no one to share it with).
     */
    static ConnectionProvider perEventLoop(ConnectionProvider template) {
        return template.mutate() == null ? template : new EventLoopConnectionProvider(template);
    }

    @Override
    public Mono<? extends Connection> acquire(
            TransportConfig config,
            ConnectionObserver observer,
            Supplier<? extends SocketAddress> remoteAddress,
            AddressResolverGroup<?> resolverGroup) {
        return Mono.deferContextual(context -> {
            if (context.hasKey(NEW_CONNECTION)) {
                return UNPOOLED.acquire(config, observer, remoteAddress, resolverGroup);
            }
            EventLoop loop = EventLoopAffinityFilter.of(context);
            if (loop == null) {
                return template.acquire(config, observer, remoteAddress, resolverGroup);
            }
            LoopPool pool = pools.computeIfAbsent(loop, this::newPool);
            Mono<? extends Connection> acquire =
                    pool.connections().acquire(config, observer, remoteAddress, resolverGroup);
            return loop.inEventLoop() ? acquire : acquire.subscribeOn(pool.scheduler());
        });
    }

    /** Marks the requests sent in the context for a connection of their own, out of any pool. */
    static Function<Context, Context> newConnection() {
        return context -> context.put(NEW_CONNECTION, Boolean.TRUE);
    }

    private LoopPool newPool(EventLoop loop) {
        ConnectionProvider connections =
                template.mutate().name(template.name() + "-" + pools.size()).build();
        return new LoopPool(connections, Schedulers.fromExecutor(loop));
    }

    /** Each event loop's pool, for tests. */
    Map<EventLoop, ConnectionProvider> pools() {
        Map<EventLoop, ConnectionProvider> connections = new ConcurrentHashMap<>();
        pools.forEach((loop, pool) -> connections.put(loop, pool.connections()));
        return connections;
    }

    @Override
    public Mono<Void> disposeLater() {
        List<Mono<Void>> disposals = new ArrayList<>();
        disposals.add(template.disposeLater());
        pools.values().forEach(pool -> disposals.add(pool.connections().disposeLater()));
        return Mono.whenDelayError(disposals);
    }

    @Override
    public void disposeWhen(SocketAddress address) {
        template.disposeWhen(address);
        pools.values().forEach(pool -> pool.connections().disposeWhen(address));
    }

    @Override
    public int maxConnections() {
        return template.maxConnections();
    }

    @Override
    public Map<SocketAddress, Integer> maxConnectionsPerHost() {
        return template.maxConnectionsPerHost();
    }

    @Override
    public Builder mutate() {
        return template.mutate();
    }

    @Override
    public String name() {
        return template.name();
    }

    private record LoopPool(ConnectionProvider connections, Scheduler scheduler) {}
}
