package dev.tokengate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestRedis;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Each event loop has its own upstream connections: a request named with a loop is sent on a connection of that loop,
 * whatever thread sends it, and a connection goes back to the pool it came from.
 */
class EventLoopConnectionProviderTest {

    private final LoopResources loops = LoopResources.create("provider-test", 1, 2, true);
    private final List<EventLoop> eventLoops = new ArrayList<>();
    private DisposableServer upstream;
    private ConnectionProvider provider;
    private HttpClient client;
    private final Queue<String> sentOn = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() {
        upstream = HttpServer.create()
                .host(TestRedis.HOST)
                .port(0)
                .handle((request, response) -> response.sendString(Mono.just("ok")))
                .bindNow();
        provider = EventLoopConnectionProvider.perEventLoop(
                ConnectionProvider.builder("test").maxConnections(50).build());
        client = HttpClient.create(provider)
                .runOn(loops)
                .baseUrl("http://" + TestRedis.HOST + ":" + upstream.port())
                .doOnRequest((request, connection) -> {
                    EventLoop named = EventLoopAffinityFilter.of(request.currentContextView());
                    sentOn.add(connection.channel().eventLoop() == named ? "its own loop" : "another loop");
                });
        loops.onClient(true).forEach(executor -> eventLoops.add((EventLoop) executor));
    }

    @AfterEach
    void stop() {
        provider.disposeLater().block(Duration.ofSeconds(5));
        upstream.disposeNow();
        loops.disposeLater().block(Duration.ofSeconds(5));
    }

    @Test
    void aRequestGoesOutOnAConnectionOfTheEventLoopItIsNamedWithWhicheverThreadSendsIt() {
        assertThat(eventLoops).hasSize(2);
        Flux.range(0, 200)
                .flatMap(
                        i -> {
                            EventLoop named = eventLoops.get(i % 2);
                            // sent from the other loop, or from a thread that is no event loop at all
                            return send(named)
                                    .subscribeOn(
                                            i % 4 < 2
                                                    ? Schedulers.fromExecutor(eventLoops.get((i + 1) % 2))
                                                    : Schedulers.parallel());
                        },
                        32)
                .blockLast(Duration.ofSeconds(30));

        assertThat(sentOn).hasSize(200).containsOnly("its own loop");
        assertThat(((EventLoopConnectionProvider) provider).pools()).containsOnlyKeys(eventLoops);
    }

    @Test
    void aRequestOutsideAGatewayExchangeUsesThePoolItIsBuiltFrom() {
        String answer = client.get()
                .uri("/")
                .responseSingle((response, body) -> body.asString())
                .block(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("ok");
        assertThat(((EventLoopConnectionProvider) provider).pools()).isEmpty();
    }

    private Mono<String> send(EventLoop named) {
        return client.get()
                .uri("/")
                .responseSingle((response, body) -> body.asString())
                .contextWrite(EventLoopAffinityFilter.on(named));
    }
}
