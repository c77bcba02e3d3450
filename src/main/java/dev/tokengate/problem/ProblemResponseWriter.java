package dev.tokengate.problem;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every answer the gateway gives itself as an RFC 9457 {@code application/problem+json} body, so clients and
 * log pipelines parse one shape for all of them.
 */
public final class ProblemResponseWriter {

    private final JsonMapper jsonMapper;

    public ProblemResponseWriter(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    /**
     * Sets the status and writes the body; headers such as challenges must be set on the response before.
     *
     * @param extensions extra members of the problem object (RFC 9457 section 3.2), in order
     */
    public Mono<Void> write(
            ServerWebExchange exchange, HttpStatusCode status, String detail, Map<String, Object> extensions) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = jsonMapper.writeValueAsBytes(
                problem(status, detail, exchange.getRequest().getPath().value(), extensions));
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** The members of an RFC 9457 problem object, in order; {@code instance} is the request path. */
    private static Map<String, Object> problem(
            HttpStatusCode status, String detail, String instance, Map<String, Object> extensions) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title(status));
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", instance);
        problem.putAll(extensions);
        return problem;
    }

    // With type about:blank, RFC 9457 section 4.2.1 asks for the status's reason phrase as title.
    private static String title(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error";
    }
}
