package dev.tokengate.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.EchoWebSocket;
import dev.tokengate.support.RawHttp2Connection;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import dev.tokengate.support.TwoGatewaysIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * A WebSocket lives no longer than its credential: revoked by {@code DEL} or through the admin API, or rewritten
 * without the scope its route requires, the gateway closes it with 1008 and a reason, on every instance that holds
 * one, while other users' WebSockets carry on. So does an answer still streaming after {@code stream-age}: its
 * connection is closed, or over HTTP/2 its stream reset. The index of open connections holds nothing once they have ended.
 */
@TestPropertySource(
        properties = {TestAdmin.PROPERTY, "tokengate.connections.stream-age=300ms", "server.http2.enabled=true"})
class RevocationReachesOpenConnectionsIntegrationTest extends TwoGatewaysIntegrationTest {

    /** Far above the milliseconds an invalidation takes, far below "never": only a missing mechanism exceeds it. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);

    private static final LoopResources LOOPS = LoopResources.create("test-open-connections", 1, true);

    @Autowired
    private OpenConnections openConnections;

    @Autowired
    private MeterRegistry meters;

    @Test
    void aWebSocketWhoseTokenIsDeletedIsClosedWith1008AndOthersCarryOn() {
        String alices = tokens.issue("alice", null);
        String bobs = tokens.issue("bob", null);
        EchoWebSocket alice = EchoWebSocket.open(port, "/ws/echo", alices);
        EchoWebSocket bob = EchoWebSocket.open(port, "/ws/echo", bobs);
        double closedBefore = closed(OpenConnections.REVOKED);

        tokens.revoke(alices);

        assertThat(alice.closed().block(CLOSED_WITHIN)).isEqualTo(new CloseStatus(1008, "credential revoked"));
        assertThat(bob.echo("still here")).isEqualTo("still here");
        assertThat(closed(OpenConnections.REVOKED)).isEqualTo(closedBefore + 1);
        bob.close();
    }

    /** Each instance holds its own WebSockets and hears the same invalidation: revoking through one reaches both. */
    @Test
    void webSocketsOnBothInstancesAreClosedWhenTheTokenIsRevokedThroughOneInstancesAdminApi() {
        Map<String, Object> issued = TestAdmin.issue(second.management(), "{\"user\":\"carol\"}");
        String token = (String) issued.get("token");
        EchoWebSocket onFirst = EchoWebSocket.open(port, "/ws/echo", token);
        EchoWebSocket onSecond = EchoWebSocket.open(second.port(), "/ws/echo", token);

        TestAdmin.client(second.management())
                .delete()
                .uri("/admin/tokens/{id}", issued.get("hash"))
                .exchange()
                .expectStatus()
                .is2xxSuccessful();

        assertThat(onFirst.closed().block(CLOSED_WITHIN)).isEqualTo(new CloseStatus(1008, "credential revoked"));
        assertThat(onSecond.closed().block(CLOSED_WITHIN)).isEqualTo(new CloseStatus(1008, "credential revoked"));
    }

    @Test
    void aWebSocketWhoseTokenLosesTheRoutesScopeIsClosedAndOneThatKeepsItIsNot() {
        String token = tokens.issue("dave", "chat:read");
        EchoWebSocket scoped = EchoWebSocket.open(port, "/ws/scoped/echo", token);
        EchoWebSocket unscoped = EchoWebSocket.open(port, "/ws/echo", token);
        double closedBefore = closed(OpenConnections.INSUFFICIENT_SCOPE);

        tokens.store(TestTokens.keyOf(token), "dave", "chat:write");

        assertThat(scoped.closed().block(CLOSED_WITHIN))
                .isEqualTo(new CloseStatus(1008, "credential no longer grants this route"));
        assertThat(unscoped.echo("no scope needed here")).isEqualTo("no scope needed here");
        assertThat(closed(OpenConnections.INSUFFICIENT_SCOPE)).isEqualTo(closedBefore + 1);
        unscoped.close();
    }

    /**
     * With Redis's active expiry off, no invalidation announces the key's end until someone reads it: the gateway's
     * own check at the expiry the lookup learned is what closes the WebSocket.
     */
    @Test
    void aWebSocketIsClosedWhenItsTokensTtlRunsOutEvenWhenRedisDoesNotAnnounceIt() {
        String expiring = tokens.issue("heidi", null);
        String lasting = tokens.issue("ivan", null);
        tokens.expireIn(expiring, Duration.ofMillis(1500));
        double closedBefore = closed(OpenConnections.EXPIRED);
        tokens.activeExpire(false);
        try {
            EchoWebSocket heidi = EchoWebSocket.open(port, "/ws/echo", expiring);
            EchoWebSocket ivan = EchoWebSocket.open(port, "/ws/echo", lasting);

            assertThat(heidi.closed().block(CLOSED_WITHIN)).isEqualTo(new CloseStatus(1008, "credential expired"));
            assertThat(ivan.echo("still here")).isEqualTo("still here");
            assertThat(closed(OpenConnections.EXPIRED)).isEqualTo(closedBefore + 1);
            ivan.close();
        } finally {
            tokens.activeExpire(true);
        }
    }

    @Test
    void aStreamOlderThanTheStreamAgeEndsWhenItsTokenIsRevokedAndAnotherUsersStreamGoesOn() {
        String franks = tokens.issue("frank", null);
        String graces = tokens.issue("grace", null);
        int before = openConnections.size();
        double closedBefore = closed(OpenConnections.REVOKED);
        Stream frank = Stream.open(port, franks);
        Stream grace = Stream.open(port, graces);
        await().atMost(CLOSED_WITHIN).until(() -> openConnections.size() == before + 2);

        tokens.revoke(franks);

        assertThat(frank.ended().blockOptional(CLOSED_WITHIN)).isEmpty();
        assertThat(closed(OpenConnections.REVOKED)).isEqualTo(closedBefore + 1);
        assertThat(grace.nextChunk()).startsWith("data: tick");
        grace.stop();
        await().atMost(CLOSED_WITHIN).until(() -> openConnections.size() == before);
    }

    /** Over HTTP/2 a streaming answer is one stream of a shared connection: that stream is reset, no other. */
    @Test
    void aStreamOverHttp2IsResetAndTheConnectionCarriesOn() {
        String revoked = tokens.issue("judy", null);
        String kept = tokens.issue("ken", null);
        int before = openConnections.size();
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(port)) {
            connection.request(1, "GET", "/events/1", "authorization", "Bearer " + revoked);
            connection.awaitFrame(RawHttp2Connection.DATA, CLOSED_WITHIN);
            await().atMost(CLOSED_WITHIN).until(() -> openConnections.size() == before + 1);

            tokens.revoke(revoked);

            assertThat(connection.awaitFrame(RawHttp2Connection.RST_STREAM, CLOSED_WITHIN).stream())
                    .isEqualTo(1);
            connection.request(3, "GET", "/catalog/1", "authorization", "Bearer " + kept);
            assertThat(connection.awaitStatus(3, CLOSED_WITHIN)).isEqualTo(200);
        }
    }

    /** Eight at a time, so that opening and ending race on the index as they do under load. */
    @Test
    void theIndexHoldsNothingOnceTenThousandShortWebSocketsHaveEnded() {
        String token = tokens.issue("erin", null);
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(token);
        URI uri = URI.create("ws://" + TestRedis.HOST + ":" + port + "/ws/echo");
        ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient(HttpClient.create()
                .runOn(LOOPS)
                .option(ChannelOption.SO_LINGER, 0)); // no TIME_WAIT pile-up from ten thousand closes
        int before = openConnections.size();

        Long opened = Flux.range(0, 10_000)
                .flatMap(
                        i -> client.execute(
                                        uri,
                                        headers,
                                        session -> session.receive().next().then(session.close()))
                                .thenReturn(i),
                        8)
                .count()
                .block(Duration.ofMinutes(3));

        assertThat(opened).isEqualTo(10_000);
        await().atMost(CLOSED_WITHIN).until(() -> openConnections.size() == before);
    }

    private double closed(String reason) {
        return meters.get("tokengate.connections.closed")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** Server-sent events from the recording upstream through the gateway, a tick every 100 ms. */
    private record Stream(Sinks.Many<String> chunks, AtomicInteger received, Mono<Void> ended, Disposable listening) {

        static Stream open(int port, String token) {
            Sinks.Many<String> chunks = Sinks.many().replay().all();
            AtomicInteger received = new AtomicInteger();
            Sinks.Empty<Void> ended = Sinks.empty();
            Disposable listening = HttpClient.create()
                    .runOn(LOOPS)
                    .headers(headers -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token))
                    .get()
                    .uri("http://" + TestRedis.HOST + ":" + port + "/events/1")
                    .responseContent()
                    .asString()
                    .subscribe(
                            chunk -> {
                                received.incrementAndGet();
                                chunks.tryEmitNext(chunk);
                            },
                            error -> ended.tryEmitEmpty(),
                            ended::tryEmitEmpty);
            Stream stream = new Stream(chunks, received, ended.asMono(), listening);
            assertThat(stream.nextChunk()).startsWith("data: tick");
            return stream;
        }

        /** The next chunk from now on. */
        String nextChunk() {
            return chunks.asFlux().skip(received.get()).blockFirst(Duration.ofSeconds(10));
        }

        void stop() {
            listening.dispose();
        }
    }
}
