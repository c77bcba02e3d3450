package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/** A WebSocket upgrade on a protected route is checked like any request; once open, frames flow both ways. */
class WebSocketIntegrationTest extends GatewayIntegrationTest {

    private static final LoopResources LOOPS = LoopResources.create("test-websocket", 1, true);

    @Test
    void upgradeWithoutATokenIsRefusedAndNeverReachesTheUpstream() {
        RawHttpClient.Response response = new RawHttpClient(port)
                .get(
                        "/ws/echo",
                        "Upgrade: websocket",
                        "Connection: Upgrade",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                        "Sec-WebSocket-Version: 13");

        assertThat(response.status()).isEqualTo(401);
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void upgradeWithAValidTokenCarriesFramesBothWaysWithTheUsersIdentityAndWithoutTheToken() {
        String token = tokens.issue("alice", null);
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(token);
        Sinks.Many<String> received = Sinks.many().replay().all();

        new ReactorNettyWebSocketClient(HttpClient.create().runOn(LOOPS))
                .execute(
                        URI.create("ws://" + TestRedis.HOST + ":" + port + "/ws/echo"),
                        headers,
                        session -> session.send(Flux.just("ping", "pong").map(session::textMessage))
                                .thenMany(session.receive()
                                        .map(WebSocketMessage::getPayloadAsText)
                                        .doOnNext(received::tryEmitNext)
                                        .take(3))
                                .then())
                .block(Duration.ofSeconds(10));

        List<String> frames = received.asFlux().take(3).collectList().block(Duration.ofSeconds(1));
        assertThat(frames).containsExactly("user=alice authorization=null", "ping", "pong");
    }
}
