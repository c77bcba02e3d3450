package dev.tokengate.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.util.HashSet;
import java.util.Set;

/**
 * Closes an HTTP/2 connection with GOAWAY (ENHANCE_YOUR_CALM) once the gateway has reset too many of its streams
 * before answering them: MadeYouReset (CVE-2025-8671), where the client never resets a stream itself but sends a
 * frame the server must reset it for (a WINDOW_UPDATE of zero, say), so that work on requests already passed on
 * continues while the concurrent-stream limit never counts them. Netty counts the resets its codec sends for such
 * errors only when their code is not CANCEL, and a stream error reaches the gateway's request as a cancel. A reset
 * after a complete answer (an upload refused before its body was read) is not counted.
 *
 * <p>Sits between Netty's HTTP/2 frame codec and the stream multiplexer of one connection, on its event loop. Put in
 * place by the {@link ProtocolHandlerInstaller} once the connection is known to speak HTTP/2.
 */
final class ProvokedResetLimit extends ChannelDuplexHandler {

    static final String NAME = "tokengate.provokedResetLimit";

    private final int maxResets;
    private final long windowNanos;
    private final Set<Integer> answered = new HashSet<>();
    private long windowStart = System.nanoTime();
    private int resets;
    private boolean closing;

    ProvokedResetLimit(int maxResets, long windowNanos) {
        this.maxResets = maxResets;
        this.windowNanos = windowNanos;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean tooMany = false;
        if (msg instanceof Http2StreamFrame frame && frame.stream() != null) {
            int stream = frame.stream().id();
            if (endsTheAnswer(frame)) {
                answered.add(stream);
            } else if (frame instanceof Http2ResetFrame && !answered.remove(stream)) {
                tooMany = countReset();
            }
        }
        ctx.write(msg, promise);
        if (tooMany && !closing) {
            closing = true;
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof Http2FrameStreamEvent change && change.stream().state() == Http2Stream.State.CLOSED) {
            answered.remove(change.stream().id());
        }
        ctx.fireUserEventTriggered(event);
    }

    private static boolean endsTheAnswer(Http2StreamFrame frame) {
        return (frame instanceof Http2HeadersFrame headers && headers.isEndStream())
                || (frame instanceof Http2DataFrame data && data.isEndStream());
    }

    private boolean countReset() {
        long now = System.nanoTime();
        if (now - windowStart > windowNanos) {
            windowStart = now;
            resets = 0;
        }
        return ++resets > maxResets;
    }
}
