package dev.tokengate.cache;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Keeps the near cache true with Redis server-assisted client-side caching: a dedicated RESP3 connection with {@code
 * CLIENT TRACKING on BCAST PREFIX <key-prefix>}, whose invalidation pushes end cached answers the moment any client
 * changes, deletes or expires a token key, or flushes the database.
 *
 * <p>The cache is used only while tracking is confirmed. Until Redis has acknowledged {@code CLIENT TRACKING}, after
 * the connection drops, or when a heartbeat {@code PING} goes unanswered, every cached answer is dropped and lookups
 * go to Redis: invalidations may have been missed. Lettuce reconnects by itself but does not restore tracking, so it
 * is enabled again after each reconnect, and confirmed before the cache is trusted again.
 */
public class InvalidationTracker implements NearCacheTracking, SmartLifecycle, PushListener {

    /** Started with the shared lookup connection, before the web server. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    static final Duration CONNECT_RETRY_DELAY = Duration.ofSeconds(1);
    static final Duration ENABLE_DELAY_AFTER_CONNECT = Duration.ofMillis(20);

    private static final Logger log = LoggerFactory.getLogger(InvalidationTracker.class);

    private final Supplier<AbstractRedisClient> clients;
    private final Runnable onTrackingChanged;
    private final String keyPrefix;
    private final Duration timeout;
    private final TokenCache cache;
    private final CacheMetrics metrics;
    private final ConnectionStateListener stateListener = new ConnectionStateListener();

    /** Guarded by {@code this}; {@link #tracking} mirrors {@code state == TRACKING} for the request path. */
    private State state = State.STOPPED;

    /** Moves on every drop of the tracking connection; guarded by {@code this}. */
    private long connectionGeneration;

    private volatile boolean tracking;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile RedisClient client;
    private Disposable connecting;
    private Disposable heartbeat;

    private enum State {
        /** Tracking must be (re-)enabled before the cache may be used. */
        NOT_TRACKING,
        /** CLIENT TRACKING is on its way; the cache is not used until Redis confirms it. */
        ENABLING,
        /** Redis confirmed tracking on the current connection: invalidations arrive. */
        TRACKING,
        /** Tracking is impossible here: the gateway runs uncached. */
        UNSUPPORTED,
        STOPPED
    }

    public InvalidationTracker(
            LettuceConnectionFactory connectionFactory,
            String keyPrefix,
            Duration timeout,
            TokenCache cache,
            CacheMetrics metrics) {
        this(connectionFactory::getRequiredNativeClient, keyPrefix, timeout, cache, metrics, () -> {});
    }

    /**
     * Tracking on the connection of {@code clients}' client, telling {@code onTrackingChanged} each time it starts or
     * stops (for {@link ClusterInvalidationTracker}, which runs one per master).
     */
    InvalidationTracker(
            Supplier<AbstractRedisClient> clients,
            String keyPrefix,
            Duration timeout,
            TokenCache cache,
            CacheMetrics metrics,
            Runnable onTrackingChanged) {
        this.clients = clients;
        this.onTrackingChanged = onTrackingChanged;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
        this.cache = cache;
        this.metrics = metrics;
    }

    @Override
    public boolean isTracking() {
        return tracking;
    }

    @Override
    public void start() {
        synchronized (this) {
            state = State.NOT_TRACKING;
        }
        AbstractRedisClient nativeClient = clients.get();
        if (!(nativeClient instanceof RedisClient redisClient)) {
            runUncached("this tracker supports standalone and Sentinel Redis, not "
                    + nativeClient.getClass().getSimpleName());
            return;
        }
        client = redisClient;
        redisClient.addListener(stateListener);
        connecting = Mono.fromCallable(() -> redisClient.connect(StringCodec.UTF8))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnError(e -> log.debug("Tracking connection not open yet: {}", e.toString()))
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, CONNECT_RETRY_DELAY))
                .subscribe(this::connected);
        heartbeat = Flux.interval(HEARTBEAT_INTERVAL).onBackpressureDrop().subscribe(tick -> heartbeat());
    }

    private void connected(StatefulRedisConnection<String, String> opened) {
        if (opened instanceof StatefulRedisConnectionImpl<?, ?> impl
                && impl.getConnectionState().getNegotiatedProtocolVersion() != ProtocolVersion.RESP3) {
            opened.closeAsync();
            runUncached("Redis did not accept RESP3, which tracking invalidations need");
            return;
        }
        opened.addListener(this);
        connection = opened;
        enableTracking();
    }

    /**
     * Sends {@code CLIENT TRACKING OFF} then {@code ON BCAST PREFIX}: tracking may still be on after a missed
     * heartbeat, and Redis refuses the same prefix twice. Only ever sent while the cache is not in use.
     */
    private void enableTracking() {
        StatefulRedisConnection<String, String> current = connection;
        long generation;
        synchronized (this) {
            if (state != State.NOT_TRACKING || current == null) {
                return;
            }
            state = State.ENABLING;
            generation = connectionGeneration;
        }
        current.reactive()
                .clientTracking(TrackingArgs.Builder.enabled(false))
                .then(current.reactive()
                        .clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(keyPrefix)))
                .timeout(timeout)
                .subscribe(ok -> trackingConfirmed(generation), error -> trackingNotEnabled(generation, error));
    }

    // onTrackingChanged runs outside this tracker's lock: ClusterInvalidationTracker calls in the other direction.
    private void trackingConfirmed(long generation) {
        if (confirm(generation)) {
            onTrackingChanged.run();
        }
    }

    private synchronized boolean confirm(long generation) {
        if (state != State.ENABLING || generation != connectionGeneration) {
            return false;
        }
        cache.invalidateAll();
        state = State.TRACKING;
        tracking = true;
        metrics.trackingChanged(true);
        log.info("Near cache on: Redis tracks keys under '{}' for this gateway", keyPrefix);
        return true;
    }

    private void trackingNotEnabled(long generation, Throwable error) {
        if (isRefusal(error)) {
            runUncached("Redis refused CLIENT TRACKING (" + error.getMessage() + ")");
            return;
        }
        synchronized (this) {
            if (state == State.ENABLING && generation == connectionGeneration) {
                state = State.NOT_TRACKING;
            }
        }
        log.debug("Could not enable tracking yet, retrying: {}", error.toString());
    }

    private void trackingLost(String reason, boolean connectionDropped) {
        if (lose(reason, connectionDropped)) {
            onTrackingChanged.run();
        }
    }

    private synchronized boolean lose(String reason, boolean connectionDropped) {
        if (connectionDropped) {
            connectionGeneration++;
        }
        if (state == State.UNSUPPORTED || state == State.STOPPED) {
            return false;
        }
        boolean wasTracking = state == State.TRACKING;
        state = State.NOT_TRACKING;
        tracking = false;
        if (wasTracking) {
            cache.invalidateAll();
            metrics.trackingChanged(false);
            log.warn("Near cache off until tracking is confirmed again, lookups go to Redis: {}", reason);
        }
        return wasTracking;
    }

    private void heartbeat() {
        StatefulRedisConnection<String, String> current = connection;
        State now;
        long generation;
        synchronized (this) {
            now = state;
            generation = connectionGeneration;
        }
        if (current == null || now == State.ENABLING || now == State.UNSUPPORTED || now == State.STOPPED) {
            return;
        }
        if (now == State.NOT_TRACKING) {
            enableTracking();
            return;
        }
        current.reactive().ping().timeout(timeout).subscribe(pong -> {}, error -> missedHeartbeat(generation));
    }

    private void missedHeartbeat(long generation) {
        boolean sameConnection;
        synchronized (this) {
            sameConnection = generation == connectionGeneration;
        }
        if (sameConnection) {
            trackingLost("no answer to PING within " + timeout.toMillis() + " ms", false);
        }
    }

    // Redis (or a proxy in front of it) will never track for us: an unknown or forbidden command, RESP2 only.
    private static boolean isRefusal(Throwable error) {
        if (!(error instanceof RedisCommandExecutionException)) {
            return false;
        }
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("unknown")
                || message.contains("unsupported")
                || message.contains("not supported")
                || message.contains("noperm")
                || message.contains("resp3")
                || message.contains("syntax");
    }

    @Override
    public void onPushMessage(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (keys instanceof List<?> invalidated) {
            for (Object key : invalidated) {
                metrics.invalidated(cache.invalidate(String.valueOf(key)));
            }
        } else {
            // a null push: the database was flushed
            cache.invalidateAll();
            metrics.flushed();
        }
    }

    private void runUncached(String reason) {
        synchronized (this) {
            state = State.UNSUPPORTED;
            tracking = false;
            cache.invalidateAll();
        }
        metrics.trackingChanged(false);
        log.warn("Near cache disabled, every token lookup goes to Redis: {}", reason);
        onTrackingChanged.run();
    }

    @Override
    public void stop() {
        synchronized (this) {
            state = State.STOPPED;
            tracking = false;
        }
        dispose(heartbeat);
        dispose(connecting);
        RedisClient started = client;
        if (started != null) {
            started.removeListener(stateListener);
        }
        StatefulRedisConnection<String, String> open = connection;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
    }

    private static void dispose(Disposable disposable) {
        if (disposable != null) {
            disposable.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return state != State.STOPPED;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Lettuce fires these for every connection of the client; only the tracking connection matters here. */
    private final class ConnectionStateListener implements RedisConnectionStateListener {

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
            if (disconnected == connection) {
                trackingLost("the tracking connection dropped", true);
            }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> reconnected, SocketAddress address) {
            if (reconnected == connection) {
                // Lettuce activates the connection right after this callback: enable tracking just after.
                Mono.delay(ENABLE_DELAY_AFTER_CONNECT).subscribe(tick -> enableTracking());
            }
        }
    }
}
