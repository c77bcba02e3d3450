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
 */
@ConfigurationProperties(ConnectionProperties.PREFIX)
public record ConnectionProperties(@DefaultValue("10s") Duration streamAge) {

    public static final String PREFIX = "tokengate.connections";
}
