package dev.tokengate.cache;

import dev.tokengate.redis.RedisErrorCode;
import dev.tokengate.redis.RetryForever;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
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
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One RESP3 connection to one Redis node on which Redis announces every change of a token key: it connects (retrying
 * while Redis is away), sends {@code CLIENT TRACKING on BCAST PREFIX <key-prefix>}, checks with a heartbeat {@code
 * PING} that the node still answers, and reports to its {@link Listener}. It holds no cache and no metrics: what the
 * reports mean is {@link InvalidationTracker}'s to decide.
 *
 * <p>Lettuce reconnects by itself but does not restore tracking, so tracking is enabled again after each reconnect,
 * and reported on only once Redis has confirmed it. Reports are made outside this connection's lock.
 */
final class TrackingConnection implements PushListener {

    static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);
    static final Duration ENABLE_DELAY_AFTER_CONNECT = Duration.ofMillis(20);

    /** What a tracking connection reports. */
    interface Listener {

        /** Redis confirmed tracking: from now on it announces every change of a key under the prefix. */
        void trackingOn(TrackingConnection connection);

        /** Announcements may have been missed from now on (the connection dropped, or a heartbeat went unanswered). */
        void trackingOff(TrackingConnection connection, String reason);

        /** This node will never track: it refused {@code CLIENT TRACKING}, or RESP3. */
        void trackingRefused(TrackingConnection connection, String reason);

        /** These keys changed; {@code null} when the whole database was flushed. */
        void invalidated(List<Object> keys);
    }

    private enum State {
        /** Tracking must be (re-)enabled. */
        NOT_TRACKING,
        /** CLIENT TRACKING is on its way. */
        ENABLING,
        /** Redis confirmed tracking on the current connection. */
        TRACKING,
        /** Redis will never track here, or the connection was closed. */
        DONE
    }

    private final RedisClient client;
    private final boolean ownsClient;
    private final String keyPrefix;
    private final Duration timeout;
    private final Listener listener;
    private final ConnectionStateListener stateListener = new ConnectionStateListener();

    /** Guarded by {@code this}. */
    private State state = State.NOT_TRACKING;

    /** Moves on every drop of the connection, so that late answers to an earlier one are ignored; guarded by this. */
    private long generation;

    private volatile StatefulRedisConnection<String, String> connection;
    private Disposable connecting;
    private Disposable heartbeat;

    /**
     * @param ownsClient whether {@link #close()} shuts {@code client} down (a client made for this node alone)
     */
    TrackingConnection(RedisClient client, boolean ownsClient, String keyPrefix, Duration timeout, Listener listener) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
        this.listener = listener;
    }

    void start() {
        client.addListener(stateListener);
        connecting = RetryForever.open("Tracking connection", () -> client.connect(StringCodec.UTF8))
                .subscribe(this::connected);
        heartbeat = Flux.interval(HEARTBEAT_INTERVAL).onBackpressureDrop().subscribe(tick -> heartbeat());
    }

    private void connected(StatefulRedisConnection<String, String> opened) {
        if (opened instanceof StatefulRedisConnectionImpl<?, ?> impl
                && impl.getConnectionState().getNegotiatedProtocolVersion() != ProtocolVersion.RESP3) {
            opened.closeAsync();
            refused("Redis did not accept RESP3, which tracking invalidations need");
            return;
        }
        opened.addListener(this);
        connection = opened;
        enableTracking();
    }

    /**
     * Sends {@code CLIENT TRACKING OFF} then {@code ON BCAST PREFIX}: tracking may still be on after a missed
     * heartbeat, and Redis refuses the same prefix twice.
     */
    private void enableTracking() {
        StatefulRedisConnection<String, String> current = connection;
        long enabling;
        synchronized (this) {
            if (state != State.NOT_TRACKING || current == null) {
                return;
            }
            state = State.ENABLING;
            enabling = generation;
        }
        current.reactive()
                .clientTracking(TrackingArgs.Builder.enabled(false))
                .then(current.reactive()
                        .clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(keyPrefix)))
                .timeout(timeout)
                .subscribe(ok -> confirmed(enabling), error -> notEnabled(enabling, error));
    }

    private void confirmed(long enabling) {
        synchronized (this) {
            if (state != State.ENABLING || enabling != generation) {
                return;
            }
            state = State.TRACKING;
        }
        listener.trackingOn(this);
    }

    private void notEnabled(long enabling, Throwable error) {
        if (isRefusal(error)) {
            refused("Redis refused CLIENT TRACKING (" + error.getMessage() + ")");
            return;
        }
        synchronized (this) {
            if (state == State.ENABLING && enabling == generation) {
                state = State.NOT_TRACKING;
            }
        }
    }

    private void lost(String reason, boolean connectionDropped) {
        boolean wasTracking;
        synchronized (this) {
            if (connectionDropped) {
                generation++;
            }
            if (state == State.DONE) {
                return;
            }
            wasTracking = state == State.TRACKING;
            state = State.NOT_TRACKING;
        }
        if (wasTracking) {
            listener.trackingOff(this, reason);
        }
    }

    private void refused(String reason) {
        synchronized (this) {
            if (state == State.DONE) {
                return;
            }
            state = State.DONE;
        }
        listener.trackingRefused(this, reason);
    }

    private void heartbeat() {
        StatefulRedisConnection<String, String> current = connection;
        State now;
        long beating;
        synchronized (this) {
            now = state;
            beating = generation;
        }
        if (current == null || now == State.ENABLING || now == State.DONE) {
            return;
        }
        if (now == State.NOT_TRACKING) {
            enableTracking();
            return;
        }
        current.reactive().ping().timeout(timeout).subscribe(pong -> {}, error -> missedHeartbeat(beating));
    }

    private void missedHeartbeat(long beating) {
        boolean sameConnection;
        synchronized (this) {
            sameConnection = beating == generation;
        }
        if (sameConnection) {
            lost("no answer to PING within " + timeout.toMillis() + " ms", false);
        }
    }

    /**
     * Redis (or a proxy in front of it) will never track for us: it answered {@code ERR} (an unknown command or
     * subcommand, a syntax it does not know, RESP2 only) or {@code NOPERM}. Other codes ({@code LOADING}, {@code BUSY},
     * {@code MASTERDOWN}, ...) and failures without an answer pass, and tracking is tried again.
     */
    private static boolean isRefusal(Throwable error) {
        return RedisErrorCode.of(error)
                .filter(code -> code.equals(RedisErrorCode.ERR) || code.equals(RedisErrorCode.NOPERM))
                .isPresent();
    }

    @Override
    public void onPushMessage(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        @SuppressWarnings("unchecked")
        List<Object> invalidated = keys instanceof List<?> list ? (List<Object>) list : null;
        listener.invalidated(invalidated);
    }

    void close() {
        synchronized (this) {
            state = State.DONE;
        }
        dispose(heartbeat);
        dispose(connecting);
        client.removeListener(stateListener);
        StatefulRedisConnection<String, String> open = connection;
        connection = null;
        if (open != null) {
            open.closeAsync();
        }
        if (ownsClient) {
            client.shutdownAsync();
        }
    }

    private static void dispose(Disposable disposable) {
        if (disposable != null) {
            disposable.dispose();
        }
    }

    /** Lettuce fires these for every connection of the client; only this tracking connection matters here. */
    private final class ConnectionStateListener implements RedisConnectionStateListener {

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
            if (disconnected == connection) {
                lost("the tracking connection dropped", true);
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
