package dev.tokengate.connection;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket, or a streaming answer, the gateway opened for a checked credential: the client's connection (for an
 * HTTP/2 stream, the stream's channel), the credential's record as the check found it, and the policy of the route it
 * was opened on. While it is followed, a timer on its event loop waits for the credential's expiry.
 */
final class OpenConnection {

    // An expiry check that finds the key not yet gone in Redis (the expiry learned counts from before the lookup was
    // sent, so it comes a little early) comes back after this long rather than at once.
    private static final long MIN_EXPIRY_DELAY_MILLIS = 5;

    // A credential found gone this close to its known expiry has expired, whichever read of the key (the expiry check
    // or another) made Redis notice.
    private static final long EXPIRY_TOLERANCE_MILLIS = 1000;

    private final Channel channel;
    private final TokenRecord credential;
    private final RoutePolicy policy;
    private final boolean webSocket;
    private ScheduledFuture<?> expiryCheck;
    private boolean expiryReached;
    private long expiresAtMillis = TokenRecord.NO_EXPIRY;

    OpenConnection(Channel channel, TokenRecord credential, RoutePolicy policy, boolean webSocket) {
        this.channel = channel;
        this.credential = credential;
        this.policy = policy;
        this.webSocket = webSocket;
    }

    Channel channel() {
        return channel;
    }

    TokenRecord credential() {
        return credential;
    }

    /** Whether {@code current}, the credential's record as Redis holds it now, still opens this connection's route. */
    boolean stillAllowedBy(TokenRecord current) {
        return current != null && policy.isSatisfiedBy(current);
    }

    /**
     * Runs {@code check} when {@code current}, the credential's latest record, expires; replaces any earlier check.
     */
    synchronized void checkAtExpiryOf(TokenRecord current, Runnable check) {
        stopExpiryCheck();
        expiryReached = false;
        expiresAtMillis = current.expiresAtMillis();
        if (!current.expires()) {
            return;
        }
        long delay = Math.max(current.expiresAtMillis() - System.currentTimeMillis(), MIN_EXPIRY_DELAY_MILLIS);
        expiryCheck = channel.eventLoop()
                .schedule(
                        () -> {
                            markExpiryReached();
                            check.run();
                        },
                        delay,
                        TimeUnit.MILLISECONDS);
    }

    /** Drops the expiry check, so that a connection that has ended is not held until its credential's expiry. */
    synchronized void stopExpiryCheck() {
        if (expiryCheck != null) {
            expiryCheck.cancel(false);
            expiryCheck = null;
        }
    }

    private synchronized void markExpiryReached() {
        expiryReached = true;
    }

    /** Whether the credential has reached, or by {@code nowMillis} nearly reached, its expiry as last learned. */
    synchronized boolean expiredBy(long nowMillis) {
        return expiryReached || expiresAtMillis - nowMillis <= EXPIRY_TOLERANCE_MILLIS;
    }

    /**
     * Ends a WebSocket with close code 1008, policy violation (RFC 6455 section 7.4.1), and {@code reason}, then
     * closes the connection: a client that does not answer the close frame is not waited for. A streaming answer has
     * no way to say why: its connection is closed (an HTTP/2 stream is reset), short of the answer's end.
     */
    void close(String reason) {
        if (!webSocket) {
            channel.close();
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
