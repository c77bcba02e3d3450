package dev.tokengate.redis;

import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells {@link RedisStatus} what happens to Redis between requests: why Lettuce's reconnects fail, and, while Redis
 * does not answer, whether a ping every second is answered again. Without it, a Redis that came back would still be
 * reported down until the next request failed or succeeded.
 */
public class RedisWatch extends RedisListener {

    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private final SharedRedisConnection redis;
    private final RedisStatus status;
    private final EventBus redisEvents;
    private final Duration timeout;

    public RedisWatch(SharedRedisConnection redis, RedisStatus status, EventBus redisEvents, Duration timeout) {
        this.redis = redis;
        this.status = status;
        this.redisEvents = redisEvents;
        this.timeout = timeout;
    }

    /**
     * Pings over the shared connection and reports the outcome; completes with whether Redis answered. Before the
     * connection first opens there is nothing to ping: the connect attempts report their own failures.
     */
    public Mono<Boolean> ping() {
        if (!redis.isOpen()) {
            return Mono.just(false);
        }
        long start = System.nanoTime();
        return redis.connection()
                .flatMap(ReactiveRedisConnection::ping)
                .timeout(timeout)
                .map(pong -> {
                    status.answered(Duration.ofNanos(System.nanoTime() - start));
                    return true;
                })
                .onErrorResume(error -> {
                    status.failed(error);
                    return Mono.just(false);
                });
    }

    @Override
    protected Disposable listen() {
        Disposable reconnectFailures = redisEvents
                .get()
                .ofType(ReconnectFailedEvent.class)
                .subscribe(
                        event -> status.failed(event.getCause(), "Redis node " + hostAndPort(event.remoteAddress())));
        Disposable probes = Flux.interval(PROBE_INTERVAL)
                .filter(tick -> !status.isAnswering())
                .concatMap(tick -> ping())
                .subscribe();
        return Disposables.composite(reconnectFailures, probes);
    }

    private static String hostAndPort(SocketAddress address) {
        return address instanceof InetSocketAddress inet
                ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(address);
    }
}
