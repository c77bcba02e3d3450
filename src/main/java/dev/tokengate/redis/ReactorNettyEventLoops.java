package dev.tokengate.redis;

import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.concurrent.TimeUnit;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

/**
 * Lettuce's connections on the event loops that serve HTTP (those of Spring's {@link ReactorResourceFactory}, which
 * Spring Boot's server and Spring Cloud Gateway's client use: Reactor Netty's global loops unless configured
 * otherwise), instead of event loops of its own. A Redis reply then continues the request on a thread that already
 * runs requests: without other threads to wake and switch to, and, for requests on the loop that holds the Redis
 * connection, without handing the request from one thread to another on its way upstream.
 *
 * <p>The loops belong to Reactor Netty, which shuts them down with the server: Lettuce's release and shutdown leave
 * them alone. Lettuce asks for an event loop group of its transport's type (epoll where available, NIO otherwise);
 * Reactor Netty picks the same native transport by the same rule, and the group it gives runs either kind of channel.
 */
final class ReactorNettyEventLoops implements EventLoopGroupProvider {

    private final ReactorResourceFactory resources;

    ReactorNettyEventLoops(ReactorResourceFactory resources) {
        this.resources = resources;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
        return (T) resources.getLoopResources().onServer(true);
    }

    @Override
    public int threadPoolSize() {
        return LoopResources.DEFAULT_IO_WORKER_COUNT;
    }

    @Override
    public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
    }
}
