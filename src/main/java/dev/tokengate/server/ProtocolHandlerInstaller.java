package dev.tokengate.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import reactor.netty.NettyPipeline;

/**
 * Puts the gateway's handlers that belong to one protocol into a connection once it is known which protocol the
 * connection speaks: on HTTP/1.1 the {@link PipelinedCloseHandler} before Reactor Netty's traffic handler, on HTTP/2
 * the {@link ProvokedResetLimit} before the stream multiplexer.
 *
 * <p>A cleartext HTTP/1.1 port knows at once. Otherwise Reactor Netty builds that part of the pipeline later: over TLS
 * when ALPN has chosen at the end of the handshake, and on a port that serves h2c when the first bytes are the HTTP/2
 * preface, or when a request asks to {@code Upgrade: h2c}, which any HTTP/1.1 request on such a connection may. Until
 * then this handler lets every read and event through and looks at the pipeline once each has been handled.
 */
final class ProtocolHandlerInstaller extends ChannelInboundHandlerAdapter {

    static final String NAME = "tokengate.protocolHandlerInstaller";
    static final String PIPELINED_CLOSE = "tokengate.pipelinedClose";

    private final Http2Properties limits;

    private ProtocolHandlerInstaller(Http2Properties limits) {
        this.limits = limits;
    }

    /** Called as a connection is set up: installs what it can now, and watches for the rest. */
    static void install(ChannelPipeline pipeline, Http2Properties limits) {
        ProtocolHandlerInstaller installer = new ProtocolHandlerInstaller(limits);
        if (installer.settled(pipeline)) {
            return;
        }
        // After the TLS handler, to see the handshake's end; ALPN acts on it when this passes it on.
        if (pipeline.get(NettyPipeline.SslHandler) != null) {
            pipeline.addAfter(NettyPipeline.SslHandler, NAME, installer);
        } else {
            pipeline.addFirst(NAME, installer);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg);
        settleOrKeepWatching(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        ctx.fireUserEventTriggered(event);
        settleOrKeepWatching(ctx);
    }

    private void settleOrKeepWatching(ChannelHandlerContext ctx) {
        if (!ctx.isRemoved() && settled(ctx.pipeline())) {
            ctx.pipeline().remove(this);
        }
    }

    /** Installs what the pipeline's protocol needs; true once the connection can no longer change protocol. */
    private boolean settled(ChannelPipeline pipeline) {
        if (pipeline.get(NettyPipeline.H2MultiplexHandler) != null) {
            if (pipeline.get(PIPELINED_CLOSE) != null) {
                pipeline.remove(PIPELINED_CLOSE);
            }
            if (pipeline.get(ProvokedResetLimit.NAME) == null) {
                pipeline.addBefore(
                        NettyPipeline.H2MultiplexHandler,
                        ProvokedResetLimit.NAME,
                        new ProvokedResetLimit(
                                limits.maxResetFrames(),
                                limits.resetFramesWindow().toNanos()));
            }
            return true;
        }
        if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null) {
            if (pipeline.get(PIPELINED_CLOSE) == null) {
                pipeline.addBefore(NettyPipeline.HttpTrafficHandler, PIPELINED_CLOSE, new PipelinedCloseHandler());
            }
            return pipeline.get(NettyPipeline.H2CUpgradeHandler) == null
                    && pipeline.get(HttpServerUpgradeHandler.class) == null;
        }
        return false;
    }
}
