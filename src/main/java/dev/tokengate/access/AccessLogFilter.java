package dev.tokengate.access;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dev.tokengate.http.ExchangeAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Gives every request an {@code X-Request-Id} (to the upstream, see {@code UpstreamHeadersFilter}, and back to the
 * client) and writes one access log event when it is answered, on the {@code tokengate.access} logger; in the
 * default format a line:
 *
 * <pre>
 * request_id=4bf92f3577b34da6a3ce929d0e0e4736 method=GET path=/orders/1 route=orders user=alice status=200 duration_ms=3.1
 * </pre>
 *
 * <p>With tracing on, {@code trace_id} follows the request id. A request sent to the upstream a second time ({@code
 * UpstreamRetryFilter}) ends with {@code retried=true}.
 *
 * <p>The path is logged without its query, which may carry secrets; tokens, and their hashes, are never logged.
 */
public class AccessLogFilter implements WebFilter, Ordered {

    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    /** First of all web filters, so that the line times the whole request and every answer carries the id. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

    static final String LOGGER = "tokengate.access";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    static final int CLIENT_CLOSED_REQUEST = 499;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        String requestId =
                RequestIds.chooseFor(exchange.getRequest().getHeaders().get(REQUEST_ID_HEADER));
        exchange.getAttributes().put(ExchangeAttributes.REQUEST_ID, requestId);
        // Set as the answer goes out: an error handler may have cleared the headers, and an upstream's own id must
        // not travel next to it.
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(REQUEST_ID_HEADER, requestId);
            return Mono.empty();
        });
        if (!log.isInfoEnabled()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange).doFinally(signal -> {
            if (exchange.getAttribute(ExchangeAttributes.UNLOGGED) == null) {
                log(exchange, requestId, start, signal == SignalType.CANCEL);
            }
        });
    }

    /**
     * The fields travel as key-value pairs, which the plain format prints as {@code key=value} and the structured
     * formats as JSON members; formatting happens on the access log's own thread. The message is a short summary for
     * formats that print only it (a plain log file).
     */
    private static void log(ServerWebExchange exchange, String requestId, long start, boolean clientLeft) {
        long tenthsOfMillis = (System.nanoTime() - start) / 100_000;
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        String user = exchange.getAttribute(ExchangeAttributes.USER);
        String method = exchange.getRequest().getMethod().name();
        String path = exchange.getRequest().getPath().value();
        Object status = statusOf(exchange.getResponse().getStatusCode(), clientLeft);
        LoggingEventBuilder event = log.atInfo().addKeyValue("request_id", requestId);
        String traceId = TraceIds.of(exchange);
        if (traceId != null) {
            event = event.addKeyValue("trace_id", traceId);
        }
        event = event.addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("route", route != null ? route.getId() : routeId(exchange))
                .addKeyValue("user", user != null ? user : "-")
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", tenthsOfMillis / 10.0);
        if (exchange.getAttribute(ExchangeAttributes.RETRIED) != null) {
            event = event.addKeyValue("retried", true);
        }
        event.log(method + " " + path + " " + status);
    }

    private static String routeId(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ExchangeAttributes.ROUTE_ID);
        return id != null ? id : "-";
    }

    /**
     * The answer's status; 499 (nginx's convention) when the client closed the connection before the answer was
     * complete, whatever status had been set by then.
     */
    private static Object statusOf(HttpStatusCode status, boolean clientLeft) {
        if (clientLeft) {
            return CLIENT_CLOSED_REQUEST;
        }
        return status != null ? status.value() : "-";
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
