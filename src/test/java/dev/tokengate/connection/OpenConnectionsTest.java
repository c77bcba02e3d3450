package dev.tokengate.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class OpenConnectionsTest {

    private static final RoutePolicy ANY_TOKEN = new RoutePolicy(true, List.of());
    private static final RoutePolicy CHAT = new RoutePolicy(true, List.of("chat:read"));

    private final Map<String, Mono<TokenRecord>> redis = new HashMap<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OpenConnections connections = new OpenConnections(redis::get, meters);

    @Test
    void aDeletedCredentialClosesEveryConnectionUnderItKeyAndNoOther() {
        TokenRecord alice = new TokenRecord("alice", "chat:read", "auth:token:a");
        TokenRecord bob = new TokenRecord("bob", "", "auth:token:b");
        EmbeddedChannel first = follow(alice, CHAT, true);
        EmbeddedChannel second = follow(alice, ANY_TOKEN, false);
        EmbeddedChannel other = follow(bob, ANY_TOKEN, true);
        redis.put(alice.key(), Mono.empty());

        connections.invalidated(alice.key());

        assertThat(closeFrame(first)).isEqualTo("1008 credential revoked");
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
        assertThat((Object) second.readOutbound())
                .as("a stream is closed without a frame")
                .isNull();
        assertThat(other.isOpen()).isTrue();
        assertThat(connections.size()).isEqualTo(1);
        assertThat(closed(OpenConnections.REVOKED)).isEqualTo(2);
    }

    @Test
    void aCredentialRewrittenWithoutTheRoutesScopeClosesOnlyWhatNeedsIt() {
        TokenRecord alice = new TokenRecord("alice", "chat:read", "auth:token:a");
        EmbeddedChannel chat = follow(alice, CHAT, true);
        EmbeddedChannel plain = follow(alice, ANY_TOKEN, true);
        redis.put(alice.key(), Mono.just(new TokenRecord("alice", "chat:write", alice.key())));

        connections.invalidated(alice.key());

        assertThat(closeFrame(chat)).isEqualTo("1008 credential no longer grants this route");
        assertThat(plain.isOpen()).isTrue();
        assertThat(connections.size()).isEqualTo(1);
        assertThat(closed(OpenConnections.INSUFFICIENT_SCOPE)).isEqualTo(1);
    }

    @Test
    void aLookupRedisCannotAnswerClosesNothingAndAnUnfollowedKeyIsNotLookedUp() {
        TokenRecord alice = new TokenRecord("alice", "", "auth:token:a");
        EmbeddedChannel socket = follow(alice, ANY_TOKEN, true);
        redis.put(alice.key(), Mono.error(new IllegalStateException("Redis is away")));

        connections.invalidatedAll();
        connections.invalidated("auth:token:nobody"); // no lookup in the map: it would fail with a null Mono

        assertThat(socket.isOpen()).isTrue();
        assertThat(connections.size()).isEqualTo(1);
    }

    @Test
    void aCredentialIsCheckedAtItsExpiryAndItsConnectionsClosedWhenItsKeyIsGone() {
        TokenRecord alice = expiringIn(Duration.ofMinutes(5));
        EmbeddedChannel socket = follow(alice, ANY_TOKEN, true);
        redis.put(alice.key(), Mono.empty());

        socket.advanceTimeBy(4, TimeUnit.MINUTES);
        socket.runScheduledPendingTasks();
        assertThat(socket.isOpen()).as("not checked before the expiry").isTrue();

        socket.advanceTimeBy(2, TimeUnit.MINUTES);
        socket.runScheduledPendingTasks();
        assertThat(closeFrame(socket)).isEqualTo("1008 credential expired");
        assertThat(closed(OpenConnections.EXPIRED)).isEqualTo(1);
        assertThat(connections.size()).isZero();
    }

    @Test
    void aCredentialWhoseExpiryWasExtendedIsCheckedAgainAtItsNewExpiry() {
        TokenRecord alice = expiringIn(Duration.ofMinutes(1));
        EmbeddedChannel socket = follow(alice, ANY_TOKEN, false);
        TokenRecord extended = new TokenRecord(
                "alice",
                "",
                alice.key(),
                alice.expiresAtMillis() + Duration.ofMinutes(10).toMillis());
        redis.put(alice.key(), Mono.just(extended));

        socket.advanceTimeBy(2, TimeUnit.MINUTES);
        socket.runScheduledPendingTasks();
        assertThat(socket.isOpen()).as("the key still holds a token").isTrue();

        redis.put(alice.key(), Mono.empty());
        socket.advanceTimeBy(12, TimeUnit.MINUTES);
        socket.runScheduledPendingTasks();
        assertThat(socket.isOpen()).isFalse();
        assertThat(closed(OpenConnections.EXPIRED)).isEqualTo(1);
    }

    @Test
    void aConnectionThatEndsDropsItsExpiryCheckSoThatNothingHoldsItUntilThen() {
        TokenRecord alice = expiringIn(Duration.ofDays(30));
        EmbeddedChannel channel = new EmbeddedChannel();
        OpenConnection connection = new OpenConnection(channel, alice, ANY_TOKEN, true);
        connections.add(connection);
        assertThat(channel.runScheduledPendingTasks())
                .as("an expiry check is waiting")
                .isPositive();

        connections.remove(connection);

        assertThat(channel.runScheduledPendingTasks()).as("no task left").isEqualTo(-1);
    }

    private static TokenRecord expiringIn(Duration ttl) {
        return new TokenRecord("alice", "", "auth:token:a", System.currentTimeMillis() + ttl.toMillis());
    }

    private EmbeddedChannel follow(TokenRecord credential, RoutePolicy policy, boolean webSocket) {
        EmbeddedChannel channel = new EmbeddedChannel();
        connections.add(new OpenConnection(channel, credential, policy, webSocket));
        return channel;
    }

    /** The close frame written to {@code channel}: its status code and reason. */
    private static String closeFrame(EmbeddedChannel channel) {
        CloseWebSocketFrame frame = channel.readOutbound();
        try {
            return frame.statusCode() + " " + frame.reasonText();
        } finally {
            frame.release();
        }
    }

    private double closed(String reason) {
        return meters.get("tokengate.connections.closed")
                .tag("reason", reason)
                .counter()
                .count();
    }
}
