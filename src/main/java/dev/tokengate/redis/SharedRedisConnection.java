package dev.tokengate.redis;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The one Redis connection that every token lookup shares, opened before the server takes traffic.
 *
 * <p>Spring Data Redis opens its shared Lettuce connection on first use, and that first connect blocks the calling
 * thread. Here it is opened on the startup thread, or, when Redis is down at startup, retried off the event loop
 * while lookups fail fast. Once open, Lettuce reconnects it by itself.
 */
public class SharedRedisConnection implements SmartLifecycle {

    /** Before the web server starts (its phase is {@code DEFAULT_PHASE - 1024}) and after it stops. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private final ReactiveRedisConnectionFactory connectionFactory;
    private final RedisStatus status;
    private final AtomicReference<ReactiveRedisConnection> connection = new AtomicReference<>();
    private volatile Disposable retries;
    private volatile boolean running;

    public SharedRedisConnection(ReactiveRedisConnectionFactory connectionFactory, RedisStatus status) {
        this.connectionFactory = connectionFactory;
        this.status = status;
    }

    /** Where failures met on this connection are reported, so that they are logged once per change. */
    public RedisStatus status() {
        return status;
    }

    /** Whether the connection has been opened (Lettuce keeps it, reconnecting, from then on). */
    public boolean isOpen() {
        return connection.get() != null;
    }

    /** The open connection, or an error at once while there is none yet. */
    public Mono<ReactiveRedisConnection> connection() {
        ReactiveRedisConnection current = connection.get();
        return current != null ? Mono.just(current) : Mono.error(new NotOpenException());
    }

    /** What {@link #connection()} fails with before the first connect: the connect attempts report why. */
    static final class NotOpenException extends IllegalStateException {

        NotOpenException() {
            super("No connection to Redis has been opened yet");
        }
    }

    @Override
    public void start() {
        running = true;
        try {
            connection.set(connectionFactory.getReactiveConnection());
        } catch (RuntimeException e) {
            status.failed(e);
            retries = RetryForever.open("Redis connection", this::open).subscribe(this::connected);
        }
    }

    private ReactiveRedisConnection open() {
        try {
            return connectionFactory.getReactiveConnection();
        } catch (RuntimeException e) {
            status.failed(e);
            throw e;
        }
    }

    private void connected(ReactiveRedisConnection opened) {
        connection.set(opened);
        status.connected();
    }

    @Override
    public void stop() {
        running = false;
        Disposable pending = retries;
        if (pending != null) {
            pending.dispose();
        }
        ReactiveRedisConnection open = connection.getAndSet(null);
        if (open != null) {
            open.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
