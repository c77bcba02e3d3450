package dev.tokengate.problem;

import dev.tokengate.token.TokenStoreUnavailableException;
import io.lettuce.core.RedisException;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

/**
 * Turns every error that reaches the web layer into problem+json: a request that matches no route, an upstream that
 * cannot be reached, a bug. Clients never see a stack trace; a 5xx from the gateway itself is logged with one.
 */
public class ProblemErrorWebExceptionHandler implements WebExceptionHandler {

    /** Ahead of Spring Boot's {@code DefaultErrorWebExceptionHandler} (order -1). */
    public static final int ORDER = -2;

    public static final String NO_ROUTE_DETAIL = "No route matches this request.";

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorWebExceptionHandler.class);

    private final ProblemResponseWriter writer;

    public ProblemErrorWebExceptionHandler(ProblemResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        HttpStatusCode status = statusOf(error);
        logIfServerError(exchange, status, error);
        exchange.getResponse().getHeaders().clear();
        if (RateLimitRefusal.is(error)) {
            RateLimitRefusal.addHeaders(error, exchange.getResponse().getHeaders());
            return writer.write(exchange, status, RateLimitRefusal.DETAIL, Map.of());
        }
        return writer.write(exchange, status, detailOf(status, error), Map.of());
    }

    // An unexpected 500 is a bug and gets a stack trace; an unreachable or slow upstream is an operational fact.
    private static void logIfServerError(ServerWebExchange exchange, HttpStatusCode status, Throwable error) {
        if (status.value() == HttpStatus.INTERNAL_SERVER_ERROR.value()) {
            log.error(
                    "500 answering {} {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    error);
        } else if (status.is5xxServerError()) {
            log.warn(
                    "{} answering {} {}: {}",
                    status.value(),
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    NestedExceptionUtils.getMostSpecificCause(error).toString());
        }
    }

    private static HttpStatusCode statusOf(Throwable error) {
        if (error instanceof ResponseStatusException statusException) {
            return statusException.getStatusCode();
        }
        if (RateLimitRefusal.is(error)) {
            return HttpStatus.TOO_MANY_REQUESTS;
        }
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        // Redis could not do what an admin or route operation asked: an outage, not a bug.
        if (error instanceof DataAccessException
                || error instanceof TokenStoreUnavailableException
                || cause instanceof RedisException) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        // The client broke HTTP/2 on its stream (a WINDOW_UPDATE of zero, say): Netty has reset the stream already, and
        // an attacker sending such frames must not fill the log with 500s (ProvokedResetLimit closes the connection).
        if (cause instanceof Http2Exception) {
            return HttpStatus.BAD_REQUEST;
        }
        // Refused, reset or closed by the upstream before its response began, or closed before the request was sent; or
        // no TLS with it (a certificate no trusted authority signed, a name it does not carry), whose most specific
        // cause is a certificate error rather than the handshake's IOException.
        if (cause instanceof IOException || error instanceof AbortedException || isTlsFailure(error)) {
            return HttpStatus.BAD_GATEWAY;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    private static boolean isTlsFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static String detailOf(HttpStatusCode status, Throwable error) {
        String reason = error instanceof ResponseStatusException statusException ? statusException.getReason() : null;
        if (status.value() == HttpStatus.NOT_FOUND.value()) {
            // the framework's own "no handler" has a reason of its own; only the gateway's handlers say what is missing
            return reason != null && error.getClass() == ResponseStatusException.class ? reason : NO_ROUTE_DETAIL;
        }
        if (status.value() == HttpStatus.BAD_GATEWAY.value()) {
            return error instanceof UpstreamAnswerBrokenOffException
                    ? UpstreamAnswerBrokenOffException.DETAIL
                    : "The upstream service could not be reached.";
        }
        if (status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            return "Redis could not answer; try again.";
        }
        if (status.value() == HttpStatus.GATEWAY_TIMEOUT.value()) {
            return "The upstream service did not answer in time.";
        }
        if (reason != null && status.is4xxClientError()) {
            return reason;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() + "." : "Error.";
    }
}
