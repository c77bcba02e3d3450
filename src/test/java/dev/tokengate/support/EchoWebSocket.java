package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * A WebSocket through a gateway to the {@link RecordingUpstream}'s echo, open from {@link #open} (once the upstream's
 * first frame, naming the user it saw, has arrived) until either side closes it; {@link #closed()} gives how.
 */
public record EchoWebSocket(Sinks.Many<String> outbound, Sinks.Many<String> inbound, Mono<CloseStatus> closed) {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ReactorNettyWebSocketClient CLIENT = new ReactorNettyWebSocketClient(
            HttpClient.create().runOn(LoopResources.create("test-echo-websocket", 1, true)));

    /** Opens a WebSocket to {@code path} on the gateway at {@code port}, with {@code token} as its bearer token. */
    public static EchoWebSocket open(int port, String path, String token) {
        Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();
        Sinks.Many<String> inbound = Sinks.many().replay().all();
        Sinks.One<CloseStatus> closed = Sinks.one();
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(token);
        CLIENT.execute(URI.create("ws://" + TestRedis.HOST + ":" + port + path), headers, session -> {
                    session.closeStatus()
                            .defaultIfEmpty(CloseStatus.NO_STATUS_CODE)
                            .subscribe(closed::tryEmitValue);
                    return Mono.when(
                            session.send(outbound.asFlux().map(session::textMessage))
                                    .then(session.close()),
                            session.receive()
                                    .map(WebSocketMessage::getPayloadAsText)
                                    .doOnNext(inbound::tryEmitNext)
                                    .then());
                })
                .subscribe(null, closed::tryEmitError);
        EchoWebSocket socket = new EchoWebSocket(outbound, inbound, closed.asMono());
        assertThat(inbound.asFlux().blockFirst(TIMEOUT)).startsWith("user=");
        return socket;
    }

    /** Sends {@code text} and waits for the upstream's echo of it. */
    public String echo(String text) {
        outbound.tryEmitNext(text);
        return inbound.asFlux().filter(text::equals).blockFirst(TIMEOUT);
    }

    /** Ends the WebSocket from the client's side and waits until it has ended. */
    public void close() {
        outbound.tryEmitComplete();
        closed.block(TIMEOUT);
    }
}
