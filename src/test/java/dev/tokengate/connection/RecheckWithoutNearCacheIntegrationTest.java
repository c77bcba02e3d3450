package dev.tokengate.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.EchoWebSocket;
import dev.tokengate.support.GatewayIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Without the near cache no invalidation arrives: open connections are checked every {@code recheck-interval}
 * instead, and a WebSocket whose token is gone is closed at the next check.
 */
@TestPropertySource(properties = {"tokengate.cache.enabled=false", "tokengate.connections.recheck-interval=200ms"})
class RecheckWithoutNearCacheIntegrationTest extends GatewayIntegrationTest {

    /** Many intervals: only a missing re-check exceeds it. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);

    @Test
    void aWebSocketWhoseTokenIsDeletedIsClosedAtTheNextCheckAndAnotherIsNot() {
        String revoked = tokens.issue("heidi", null);
        String kept = tokens.issue("ivan", null);
        EchoWebSocket heidi = EchoWebSocket.open(port, "/ws/echo", revoked);
        EchoWebSocket ivan = EchoWebSocket.open(port, "/ws/echo", kept);

        tokens.revoke(revoked);

        assertThat(heidi.closed().block(CLOSED_WITHIN)).isEqualTo(new CloseStatus(1008, "credential revoked"));
        assertThat(ivan.echo("checked and kept")).isEqualTo("checked and kept");
        ivan.close();
    }
}
