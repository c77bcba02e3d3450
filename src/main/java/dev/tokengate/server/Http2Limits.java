package dev.tokengate.server;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.Ordered;

/**
 * Sets the client port's HTTP/2 limits. Reactor Netty replaces all HTTP/2 settings at each call, so this runs after
 * Spring Boot's own customizer (order 0), which sets the header list size alone, and sets that size again with the
 * rest. The count of resets the gateway is provoked into is {@link ProvokedResetLimit}'s, put on each connection
 * beside the other pipeline handlers ({@code ServerConfiguration}).
 */
record Http2Limits(Http2Properties limits, ServerProperties server)
        implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        long maxHeaderListSize = server.getMaxHttpRequestHeaderSize().toBytes();
        int window = (int) limits.resetFramesWindow().toSeconds();
        factory.addServerCustomizers(
                http -> http.http2Settings(settings -> settings.maxConcurrentStreams(limits.maxConcurrentStreams())
                        .maxHeaderListSize(maxHeaderListSize)
                        .maxDecodedRstFramesPerWindow(limits.maxResetFrames(), window)
                        .maxEncodedRstFramesPerWindow(limits.maxResetFrames(), window)));
    }

    @Override
    public int getOrder() {
        return 1;
    }
}
