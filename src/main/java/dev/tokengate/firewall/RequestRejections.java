package dev.tokengate.firewall;

import dev.tokengate.problem.ProblemResponseWriter;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers what the firewall refuses, with problem+json: 501 for a method outside the allowed set (RFC 9110 section
 * 15.6.2), 400 for anything else. The connection is closed after the answer: a client that sends such requests gets
 * no second try on it, and a body it may have sent is never read.
 */
public final class RequestRejections implements ServerExchangeRejectedHandler {

    public static final String MALFORMED_PATH = "Malformed request path.";
    public static final String MALFORMED_REQUEST = "Malformed request.";
    public static final String METHOD_NOT_SUPPORTED = "Method not supported.";

    /** Set once the request line has passed: a later rejection is about a header or a query parameter. */
    static final String REQUEST_LINE_CHECKED = RequestRejections.class.getName() + ".requestLineChecked";

    private final ProblemResponseWriter problems;

    RequestRejections(ProblemResponseWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.empty();
        }
        if (exchange.getAttribute(REQUEST_LINE_CHECKED) != null) {
            closeUncached(exchange);
            return problems.write(exchange, HttpStatus.BAD_REQUEST, MALFORMED_REQUEST, Map.of());
        }
        return refuseRequestLine(exchange);
    }

    /**
     * Answers a request whose method or path the firewall refused; also the answer of the authorization endpoint when
     * the firewall refuses the original request a proxy asks about.
     */
    public Mono<Void> refuseRequestLine(ServerWebExchange exchange) {
        closeUncached(exchange);
        if (!RequestFirewallRules.ALLOWED_METHODS.contains(exchange.getRequest().getMethod())) {
            return problems.write(exchange, HttpStatus.NOT_IMPLEMENTED, METHOD_NOT_SUPPORTED, Map.of());
        }
        return problems.write(exchange, HttpStatus.BAD_REQUEST, MALFORMED_PATH, Map.of());
    }

    private static void closeUncached(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().setConnection("close");
        exchange.getResponse().getHeaders().setCacheControl("no-store");
    }
}
