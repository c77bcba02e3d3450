package dev.tokengate.connection;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Open connections that follow their credential: WebSockets, and answers that are still streaming.
 *
 * @param streamAge An exchange with a checked credential whose answer is still streaming after this long (server-sent
 *     events, a long download) is closed when its credential is revoked or loses its route's scopes, as a WebSocket
 *     is; shorter ones are never indexed.
 * @param recheckInterval With the near cache off ({@code tokengate.cache.enabled=false}), which hears no invalidations,
 *     how often the credentials of open connections are looked up again: one lookup per credential each time.
 */
@ConfigurationProperties(ConnectionProperties.PREFIX)
public record ConnectionProperties(
        @DefaultValue("10s") Duration streamAge,
        @DefaultValue("30s") Duration recheckInterval) {

    public static final String PREFIX = "tokengate.connections";
}
