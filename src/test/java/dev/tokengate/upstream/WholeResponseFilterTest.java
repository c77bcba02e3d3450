package dev.tokengate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class WholeResponseFilterTest {

    private static final DataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    private final AtomicReference<Publisher<? extends DataBuffer>> written = new AtomicReference<>();

    @Test
    void aShortAnswerOfDeclaredLengthIsWrittenAsOneBuffer() {
        write(new WholeResponseFilter(16), HttpMethod.GET, 7, "ok, ", "all");

        assertThat(written.get()).isInstanceOf(Mono.class);
        assertThat(receivedBody()).isEqualTo("ok, all");
    }

    @Test
    void anAnswerLongerThanTheLimitOrOfUnknownLengthStreams() {
        write(new WholeResponseFilter(4), HttpMethod.GET, 7, "ok, ", "all");
        assertThat(written.get()).isInstanceOf(Flux.class);
        assertThat(receivedBody()).isEqualTo("ok, all");

        write(new WholeResponseFilter(16), HttpMethod.GET, -1, "ok, ", "all");
        assertThat(written.get()).isInstanceOf(Flux.class);
    }

    @Test
    void aHeadRequestAndALimitOfZeroAreLeftAlone() {
        write(new WholeResponseFilter(16), HttpMethod.HEAD, 7, "ok, ", "all");
        assertThat(written.get()).isInstanceOf(Flux.class);

        write(new WholeResponseFilter(0), HttpMethod.GET, 7, "ok, ", "all");
        assertThat(written.get()).isInstanceOf(Flux.class);
    }

    /** Runs the filter before a response writer as Spring Cloud Gateway's, which writes {@code chunks} as a Flux. */
    private void write(WholeResponseFilter filter, HttpMethod method, long contentLength, String... chunks) {
        ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, "/orders/1"));
        ServerHttpResponse recording = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                written.set(body);
                return Mono.empty();
            }
        };
        exchange = exchange.mutate().response(recording).build();
        StepVerifier.create(filter.filter(exchange, forwarded -> {
                    if (contentLength >= 0) {
                        forwarded.getResponse().getHeaders().setContentLength(contentLength);
                    }
                    return forwarded
                            .getResponse()
                            .writeWith(Flux.fromArray(chunks)
                                    .map(chunk -> BUFFERS.wrap(chunk.getBytes(StandardCharsets.UTF_8))));
                }))
                .verifyComplete();
    }

    private String receivedBody() {
        return DataBufferUtils.join(written.get())
                .map(buffer -> buffer.toString(StandardCharsets.UTF_8))
                .block();
    }
}
