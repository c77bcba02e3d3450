package dev.tokengate.assertion;

import dev.tokengate.firewall.RequestFirewallFilter;
import dev.tokengate.problem.ProblemResponseWriter;
import java.util.Map;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Serves the JWK Set on the client port, when {@code jwks.on-client-port} asks for it, ahead of routing, so that no
 * route can take its path. Matched with the router's own path patterns, so that every spelling a route would see as
 * this path is answered here.
 */
final class JwksFilter implements WebFilter, Ordered {

    /** After the firewall, the authorization endpoint and the check that routes have been read; before routing. */
    static final int ORDER = RequestFirewallFilter.ORDER + 3;

    private static final PathPattern PATH = PathPatternParser.defaultInstance.parse(JwksDocument.PATH);

    private final JwksDocument document;
    private final ProblemResponseWriter problems;

    JwksFilter(JwksDocument document, ProblemResponseWriter problems) {
        this.document = document;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!PATH.matches(exchange.getRequest().getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpMethod method = exchange.getRequest().getMethod();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            response.getHeaders().setAllow(Set.of(HttpMethod.GET, HttpMethod.HEAD));
            return problems.write(exchange, HttpStatus.METHOD_NOT_ALLOWED, "The key set is read with GET.", Map.of());
        }
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(JwksDocument.MEDIA_TYPE);
        headers.setCacheControl(document.cacheControl());
        headers.setContentLength(document.body().length);
        if (HttpMethod.HEAD.equals(method)) {
            return response.setComplete();
        }
        return response.writeWith(
                Mono.fromSupplier(() -> response.bufferFactory().wrap(document.body())));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
