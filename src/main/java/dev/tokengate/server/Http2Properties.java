package dev.tokengate.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP/2 limits on the client port, for h2 over TLS and h2c alike. The largest header list a request may carry is
 * Spring Boot's {@code server.max-http-request-header-size}, the same as on HTTP/1.1.
 *
 * @param maxConcurrentStreams Most requests one connection may have open at once; a client that opens more gets each
 *     extra stream refused (REFUSED_STREAM) and may retry it.
 * @param maxResetFrames Most RST_STREAM frames a connection may receive, and most the gateway sends because of the
 *     client's errors, within {@code reset-frames-window}; beyond either, the connection is closed with GOAWAY.
 *     Defends against rapid reset (CVE-2023-44487) and MadeYouReset (CVE-2025-8671).
 * @param resetFramesWindow The window over which reset frames are counted.
 */
@ConfigurationProperties(Http2Properties.PREFIX)
public record Http2Properties(
        @DefaultValue("100") int maxConcurrentStreams,
        @DefaultValue("200") int maxResetFrames,
        @DefaultValue("30s") Duration resetFramesWindow) {

    public static final String PREFIX = "tokengate.http2";

    public Http2Properties {
        require(maxConcurrentStreams > 0, "max-concurrent-streams must be positive");
        require(maxResetFrames > 0, "max-reset-frames must be positive");
        require(
                resetFramesWindow != null && resetFramesWindow.toSeconds() >= 1,
                "reset-frames-window must be at least one second");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(PREFIX + "." + message);
        }
    }
}
