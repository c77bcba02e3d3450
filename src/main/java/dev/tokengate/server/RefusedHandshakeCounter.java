package dev.tokengate.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Counts the TLS handshakes the client port refuses (an old protocol, no common cipher, a client that gives up on the
 * certificate): {@code tokengate.tls.handshakes.refused}, in Prometheus {@code tokengate_tls_handshakes_refused_total}.
 * They are not logged, since at an edge most are scanners; a sudden rise is what an operator watches for, such as
 * clients that stopped trusting a renewed certificate. Sits right after Reactor Netty's SSL handler.
 */
@ChannelHandler.Sharable
final class RefusedHandshakeCounter extends ChannelInboundHandlerAdapter {

    static final String NAME = "tokengate.refusedHandshakeCounter";
    static final String METRIC = "tokengate.tls.handshakes.refused";

    private final Counter refused;

    RefusedHandshakeCounter(MeterRegistry registry) {
        refused = Counter.builder(METRIC)
                .description("TLS handshakes on the client port that failed")
                .register(registry);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (!completion.isSuccess()) {
                refused.increment();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }
}
