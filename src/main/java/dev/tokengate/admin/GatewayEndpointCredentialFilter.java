package dev.tokengate.admin;

import dev.tokengate.problem.ProblemResponseWriter;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's actuator endpoint ({@code /actuator/gateway/**}: list, add, change, delete routes, refresh)
 * changes what the gateway lets through, so it takes the admin credential too, and does not exist without one.
 */
final class GatewayEndpointCredentialFilter implements WebFilter, Ordered {

    static final String GUARDED_PATH = "/actuator/gateway";

    private final AdminCredentials credentials;
    private final ProblemResponseWriter problems;

    GatewayEndpointCredentialFilter(AdminCredentials credentials, ProblemResponseWriter problems) {
        this.credentials = credentials;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals(GUARDED_PATH) && !path.startsWith(GUARDED_PATH + "/")) {
            return chain.filter(exchange);
        }
        if (!credentials.isConfigured()) {
            return problems.write(exchange, HttpStatus.NOT_FOUND, "No route matches this request.", Map.of());
        }
        if (!credentials.isAdmin(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, AdminCredentials.CHALLENGE);
            return problems.write(exchange, HttpStatus.UNAUTHORIZED, "Admin credentials required.", Map.of());
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
