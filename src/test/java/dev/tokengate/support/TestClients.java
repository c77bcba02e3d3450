package dev.tokengate.support;

import java.time.Duration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

/**
 * HTTP clients for the gateways under test: a new connection per request, on event loops of their own. Several
 * gateway contexts live in one test JVM; a client sharing Reactor Netty's global pool and loops with them was seen to
 * leave a request unsent for 30 s after another context was stopped. A test request then depends on nothing but the
 * gateway it talks to.
 */
public final class TestClients {

    private static final LoopResources LOOPS = LoopResources.create("test-client", 2, true);

    // The first request of a cold JVM on a busy 2-core machine can take seconds.
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private TestClients() {}

    /**
     * Reads every response body at once. A test that only checks the status would otherwise leave the body's buffers
     * unreleased, and the paranoid leak detection (see {@link NoBufferLeaks}) would blame the gateway for them.
     */
    private static Mono<ClientResponse> readWholeBody(ClientRequest request, ExchangeFunction next) {
        return next.exchange(request)
                .flatMap(response -> response.bodyToMono(String.class)
                        .defaultIfEmpty("")
                        .map(body -> response.mutate().body(body).build()));
    }

    public static WebTestClient to(int port) {
        HttpClient http = HttpClient.newConnection().runOn(LOOPS);
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(http))
                .baseUrl("http://" + TestRedis.HOST + ":" + port)
                .responseTimeout(RESPONSE_TIMEOUT)
                .filter(TestClients::readWholeBody)
                .build();
    }
}
