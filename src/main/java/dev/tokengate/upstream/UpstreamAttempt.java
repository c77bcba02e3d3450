package dev.tokengate.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.util.context.Context;

/**
 * One sending of a request to the upstream, as {@link UpstreamRetryFilter} needs to know it: the connection it went
 * out on, and whether a single byte of an answer has come back on that connection since. It travels in the Reactor
 * context of the routing; {@link #watch(HttpClient)} has the HTTP client fill it in.
 */
final class UpstreamAttempt {

    private static final String CONTEXT_KEY = UpstreamAttempt.class.getName();
    private static final AttributeKey<Boolean> ANSWER_STARTED = AttributeKey.valueOf("tokengate.answerStarted");
    private static final String HANDLER = "tokengate.answerStarted";
    private static final ChannelHandler MARK_ANSWER_STARTED = new MarkAnswerStarted();

    private volatile Channel channel;

    /** {@code context} carrying this attempt. */
    Context in(Context context) {
        return context.put(CONTEXT_KEY, this);
    }

    /** Sent on a connection, and nothing of an answer has come back on it: not a status line's first byte. */
    boolean sentAndUnanswered() {
        Channel sentOn = channel;
        return sentOn != null
                && !Boolean.TRUE.equals(sentOn.attr(ANSWER_STARTED).get());
    }

    /**
     * {@code client}, marking each of its connections when bytes arrive on it, and recording in the attempt of the
     * context (if any) the connection each request goes out on, with the mark cleared.
     */
    static HttpClient watch(HttpClient client) {
        return client.doOnChannelInit(
                        (observer, channel, address) -> channel.pipeline().addFirst(HANDLER, MARK_ANSWER_STARTED))
                .doOnRequest(UpstreamAttempt::sending);
    }

    private static void sending(HttpClientRequest request, Connection connection) {
        Channel channel = connection.channel();
        channel.attr(ANSWER_STARTED).set(Boolean.FALSE);
        UpstreamAttempt attempt = request.currentContextView().getOrDefault(CONTEXT_KEY, null);
        if (attempt != null) {
            attempt.channel = channel;
        }
    }

    /** First in the pipeline, it sees every byte the upstream sends, before any decoding. */
    @ChannelHandler.Sharable
    private static final class MarkAnswerStarted extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Attribute<Boolean> started = ctx.channel().attr(ANSWER_STARTED);
            if (started.get() != Boolean.TRUE) {
                started.set(Boolean.TRUE);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
