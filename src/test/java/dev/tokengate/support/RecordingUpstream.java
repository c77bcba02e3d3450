package dev.tokengate.support;

import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server standing in for the services behind the gateway. It records every request that reaches it, so
 * tests can prove what did and did not get through (how many requests, and the last one), and answers 200 with a JSON
 * echo of the headers it received. Under {@code /ws/**} it is a WebSocket echo.
 */
public final class RecordingUpstream {

    /** How many requests since the last {@link #clear()} {@link #requests()} keeps; load tests send far more. */
    static final int RECORDED_REQUESTS = 1_000;

    private static RecordingUpstream shared;

    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final AtomicLong firstBodyByteAt = new AtomicLong();
    private final Set<String> requestIds = ConcurrentHashMap.newKeySet();
    private final Queue<ReceivedRequest> received = new ConcurrentLinkedQueue<>();
    private volatile ReceivedRequest last;
    private final JsonMapper json = JsonMapper.builder().build();
    private final LoopResources loops;
    private final DisposableServer server;

    private RecordingUpstream(int port) {
        // Loops of its own: closing a gateway's application context disposes Reactor Netty's global ones.
        loops = LoopResources.create("recording-upstream", 1, true);
        server = HttpServer.create()
                .runOn(loops)
                .host(TestRedis.HOST)
                .port(port)
                .route(routes -> routes.ws("/ws/**", this::echo)
                        .get("/events/**", RecordingUpstream::events)
                        .route(request -> true, this::record))
                .bindNow();
    }

    /**
     * Records the request, counts its body without keeping it (see {@link #bodyBytes()}), and answers with a JSON echo
     * of the headers it received.
     */
    private Mono<Void> record(HttpServerRequest request, HttpServerResponse response) {
        ReceivedRequest recorded =
                new ReceivedRequest(request.method().name(), request.uri(), headersOf(request.requestHeaders()));
        last = recorded;
        if (count.incrementAndGet() <= RECORDED_REQUESTS) {
            received.add(recorded);
        }
        String requestId = request.requestHeaders().get("X-Request-Id");
        if (requestId != null) {
            requestIds.add(requestId);
        }
        return request.receive()
                .doOnNext(chunk -> {
                    firstBodyByteAt.compareAndSet(0, System.nanoTime());
                    bodyBytes.addAndGet(chunk.readableBytes());
                })
                .then(Mono.defer(() -> response.header("Content-Type", "application/json")
                        .sendByteArray(Mono.just(
                                json.writeValueAsBytes(Map.of("path", recorded.uri(), "headers", recorded.headers()))))
                        .then()));
    }

    /** Server-sent events, a tick every 100 ms, for as long as the client listens. */
    private static Publisher<Void> events(HttpServerRequest request, HttpServerResponse response) {
        return response.header("Content-Type", "text/event-stream")
                .sendString(Flux.interval(Duration.ofMillis(100)).map(tick -> "data: tick " + tick + "\n\n"));
    }

    /**
     * A WebSocket that first says which user the gateway named and which {@code Authorization} reached it, then echoes
     * every text frame.
     */
    /** Echoes what it receives after a first frame naming the user; the handshake is the last request. */
    private Publisher<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
        last = new ReceivedRequest("GET", "websocket", headersOf(in.headers()));
        count.incrementAndGet();
        String user = in.headers().get("X-User-Id");
        String authorization = in.headers().get("Authorization");
        return out.sendString(Flux.concat(
                Mono.just("user=" + user + " authorization=" + authorization),
                in.receive().asString()));
    }

    private static Map<String, String> headersOf(HttpHeaders received) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        received.forEach(
                header -> headers.merge(header.getKey(), header.getValue(), (first, second) -> first + ", " + second));
        return headers;
    }

    /** Body bytes received since the last {@link #clear()}. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    /** When the first body byte since the last {@link #clear()} arrived ({@link System#nanoTime()}), 0 if none yet. */
    public long firstBodyByteAt() {
        return firstBodyByteAt.get();
    }

    /** The upstream shared by all tests in this JVM. */
    public static synchronized RecordingUpstream shared() {
        if (shared == null) {
            shared = start(0);
        }
        return shared;
    }

    /** A new upstream on the given port (0 for any free port). */
    public static RecordingUpstream start(int port) {
        return new RecordingUpstream(port);
    }

    public String url() {
        return "http://" + TestRedis.HOST + ":" + server.port();
    }

    public int requestCount() {
        return count.get();
    }

    public ReceivedRequest lastRequest() {
        ReceivedRequest latest = last;
        if (latest == null) {
            throw new AssertionError("No request reached the upstream");
        }
        return latest;
    }

    /** Every request received since the last {@link #clear()}, in order (the first {@value #RECORDED_REQUESTS}). */
    public List<ReceivedRequest> requests() {
        return List.copyOf(received);
    }

    /** The {@code X-Request-Id} of every request that got through since the last {@link #clear()}. */
    public Set<String> requestIds() {
        return Set.copyOf(requestIds);
    }

    public void clear() {
        count.set(0);
        bodyBytes.set(0);
        firstBodyByteAt.set(0);
        requestIds.clear();
        received.clear();
        last = null;
    }

    public void stop() {
        server.disposeNow();
        loops.dispose();
    }

    /** One request as the upstream saw it; header names are case-insensitive. */
    public record ReceivedRequest(String method, String uri, Map<String, String> headers) {

        public String header(String name) {
            return headers.get(name);
        }

        public boolean hasHeader(String name) {
            return headers.containsKey(name);
        }

        /**
         * The names that, as CGI, WSGI and Rack backends read them (lower case, {@code -} for {@code _}), start with
         * {@code prefix}.
         */
        public List<String> headersNamedLike(String prefix) {
            return headers.keySet().stream()
                    .filter(name ->
                            name.toLowerCase(Locale.ROOT).replace('_', '-').startsWith(prefix))
                    .toList();
        }
    }
}
