package dev.tokengate.connection;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * A WebSocket, or a streaming answer, the gateway opened for a checked credential: the client's connection (for an
 * HTTP/2 stream, the stream's channel), the credential's record as the check found it, and the policy of the route it
 * was opened on.
 */
record OpenConnection(Channel channel, TokenRecord credential, RoutePolicy policy, boolean webSocket) {

    /** Whether {@code current}, the credential's record as Redis holds it now, still opens this connection's route. */
    boolean stillAllowedBy(TokenRecord current) {
        return current != null && policy.isSatisfiedBy(current);
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
