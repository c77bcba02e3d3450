package dev.tokengate.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Answers a pipelined request that carries {@code Connection: close}, then closes the connection (RFC 9112 section
 * 9.6). Reactor Netty's {@code HttpTrafficHandler} applies such a request's {@code close} to the response of the
 * request still in flight before it: that response goes out with {@code Connection: close}, the connection closes, and
 * the request that asked for the close is never answered.
 *
 * <p>Sitting between the HTTP codec and that handler, this hides a pipelined request's {@code close} option from it,
 * and itself marks that request's response {@code Connection: close} and closes the connection once the response is
 * written. Whatever the client sends after a {@code close} request is dropped unread, as RFC 9112 allows. Requests
 * that are not pipelined are left to Reactor Netty as they are.
 */
final class PipelinedCloseHandler extends ChannelDuplexHandler {

    /** For each request passed on whose answer has not begun, in order: whether that answer must close. */
    private final Deque<Boolean> closeAfterAnswer = new ArrayDeque<>();

    private boolean closeRequested;
    private boolean closeRequestComplete;
    private boolean answering;
    private boolean closeAfterThisAnswer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closeRequestComplete) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            boolean close = request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
            // An earlier request is waiting for its answer, or its answer is still being written.
            boolean pipelined = !closeAfterAnswer.isEmpty() || answering;
            if (close && pipelined) {
                withoutCloseOption(request);
            }
            closeAfterAnswer.add(close && pipelined);
            closeRequested = close;
        }
        if (msg instanceof LastHttpContent && closeRequested) {
            closeRequestComplete = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answering = true;
            Boolean close = closeAfterAnswer.poll();
            closeAfterThisAnswer = close != null && close;
            if (closeAfterThisAnswer) {
                HttpUtil.setKeepAlive(response, false);
            }
        }
        if (msg instanceof LastHttpContent && answering) {
            answering = false;
            if (closeAfterThisAnswer) {
                ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    private static void withoutCloseOption(HttpRequest request) {
        List<String> kept = new ArrayList<>();
        for (String value : request.headers().getAll(HttpHeaderNames.CONNECTION)) {
            for (String option : value.split(",")) {
                String trimmed = option.trim();
                if (!trimmed.isEmpty() && !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(trimmed)) {
                    kept.add(trimmed);
                }
            }
        }
        request.headers().remove(HttpHeaderNames.CONNECTION);
        if (!kept.isEmpty()) {
            request.headers().set(HttpHeaderNames.CONNECTION, String.join(", ", kept));
        }
    }
}
