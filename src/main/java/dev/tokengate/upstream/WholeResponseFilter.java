package dev.tokengate.upstream;

import dev.tokengate.problem.UpstreamAnswerBrokenOffException;
import java.io.IOException;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Writes an upstream response whose declared length is at most {@code maxBytes} in one piece: status line or HEADERS,
 * body and its end in one write and one flush, where Spring Cloud Gateway's {@link NettyWriteResponseFilter} streams
 * it as headers, then the body, then the end, each flushed on its own. Over TLS every flush is a record and a system
 * call, and over HTTP/2 the end of the stream is a frame of its own: three sends for a short answer instead of one.
 * Bodies of unknown or larger length stream as before, and so does every streaming media type (Spring Cloud Gateway
 * writes those with {@code writeAndFlushWith}, which this does not touch).
 *
 * <p>Held back until its end, a short answer the upstream breaks off has not begun to reach the client: it gets a 502
 * problem instead of a 200 cut short.
 */
public final class WholeResponseFilter implements GlobalFilter, Ordered {

    /** Around Spring Cloud Gateway's response writer, so that it writes to the decorated response. */
    public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private final long maxBytes;

    public WholeResponseFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (maxBytes <= 0 || exchange.getRequest().getMethod() == HttpMethod.HEAD) {
            return chain.filter(exchange);
        }
        return chain.filter(
                exchange.mutate().response(new Whole(exchange.getResponse())).build());
    }

    private final class Whole extends ServerHttpResponseDecorator {

        Whole(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            long length = getHeaders().getContentLength();
            if (body instanceof Mono || length <= 0 || length > maxBytes) {
                return super.writeWith(body);
            }
            return super.writeWith(
                    DataBufferUtils.join(body).onErrorMap(IOException.class, UpstreamAnswerBrokenOffException::new));
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
