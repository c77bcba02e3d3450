package dev.tokengate.auth;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.problem.ProblemResponseWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request the gateway refuses: the RFC 6750 section 3 {@code WWW-Authenticate} challenge (or {@code
 * Retry-After} when the token store is down) and an RFC 9457 problem body that carries the same error code.
 */
public final class AuthFailureWriter {

    /** The protection space of every route behind this gateway (RFC 9110 section 11.5). */
    public static final String REALM = "tokengate";

    static final String RETRY_AFTER_SECONDS = "1";

    private final ProblemResponseWriter problemWriter;

    public AuthFailureWriter(ProblemResponseWriter problemWriter) {
        this.problemWriter = problemWriter;
    }

    /** The answer to a refused request: a {@link TokenDecision.Denied}, or {@link TokenDecision#UNAVAILABLE}. */
    public Mono<Void> refuse(ServerWebExchange exchange, TokenDecision refusal) {
        if (refusal instanceof TokenDecision.Denied denied) {
            String retryAfter = denied.failure() == AuthFailure.TOO_MANY_ATTEMPTS
                    ? Long.toString(denied.retryAfterSeconds())
                    : RETRY_AFTER_SECONDS;
            return write(exchange, denied.failure(), denied.policy(), retryAfter);
        }
        if (refusal == TokenDecision.UNAVAILABLE) {
            return write(exchange, AuthFailure.UNAVAILABLE, null, RETRY_AFTER_SECONDS);
        }
        throw new IllegalArgumentException("Not a refusal: " + refusal);
    }

    private Mono<Void> write(ServerWebExchange exchange, AuthFailure failure, RoutePolicy policy, String retryAfter) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (failure == AuthFailure.UNAVAILABLE || failure == AuthFailure.TOO_MANY_ATTEMPTS) {
            headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
        } else {
            String scope = failure == AuthFailure.FORBIDDEN ? policy.scopeChallenge() : null;
            // A route that takes only certificates has no scheme to challenge with: a token would not do.
            if (policy == null || policy.accepts().token()) {
                headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge(failure.error(), scope));
            }
            putIfPresent(extensions, "error", failure.error());
            putIfPresent(extensions, "scope", scope);
        }
        headers.setCacheControl("no-store");
        if (hasBody(exchange.getRequest().getHeaders())) {
            headers.setConnection("close");
        }
        return problemWriter.write(exchange, failure.status(), failure.detail(), extensions);
    }

    /**
     * A refused request's body is never read. Closing the connection after the answer, instead of draining whatever
     * the client still sends, keeps a refused client from holding the connection with a body of any size.
     */
    private static boolean hasBody(HttpHeaders request) {
        return request.getContentLength() > 0 || request.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    static String challenge(String error, String scope) {
        StringBuilder challenge =
                new StringBuilder("Bearer realm=\"").append(REALM).append('"');
        if (error != null) {
            challenge.append(", error=\"").append(error).append('"');
        }
        if (scope != null) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        return challenge.toString();
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
