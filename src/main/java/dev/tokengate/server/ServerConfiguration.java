package dev.tokengate.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

@Configuration(proxyBeanMethods = false)
class ServerConfiguration {

    @Bean
    Http2Limits http2Limits(Http2Properties limits, ServerProperties server) {
        return new Http2Limits(limits, server);
    }

    @Bean
    NettyServerCustomizer installProtocolHandlers(Http2Properties limits) {
        return server -> server.doOnChannelInit(
                (observer, channel, remoteAddress) -> ProtocolHandlerInstaller.install(channel.pipeline(), limits));
    }

    @Bean
    NettyServerCustomizer countRefusedHandshakes(MeterRegistry registry) {
        RefusedHandshakeCounter counter = new RefusedHandshakeCounter(registry);
        return server -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.SslHandler) != null) {
                pipeline.addAfter(NettyPipeline.SslHandler, RefusedHandshakeCounter.NAME, counter);
            }
        });
    }
}
