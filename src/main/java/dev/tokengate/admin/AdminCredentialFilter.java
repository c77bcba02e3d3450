package dev.tokengate.admin;

import dev.tokengate.problem.ProblemErrorWebExceptionHandler;
import dev.tokengate.problem.ProblemResponseWriter;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guards what changes what the gateway lets through: the admin API ({@code /admin/**}) and Spring Cloud Gateway's
 * actuator endpoint ({@code /actuator/gateway/**}: list, add, change, delete routes, refresh). Both take the admin
 * credential, and do not exist (404) while none is configured.
 */
final class AdminCredentialFilter implements WebFilter, Ordered {

    static final List<String> GUARDED_PATHS = List.of("/admin", "/actuator/gateway");

    private final AdminCredentials credentials;
    private final ProblemResponseWriter problems;

    AdminCredentialFilter(AdminCredentials credentials, ProblemResponseWriter problems) {
        this.credentials = credentials;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isGuarded(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        if (!credentials.isConfigured()) {
            return problems.write(
                    exchange, HttpStatus.NOT_FOUND, ProblemErrorWebExceptionHandler.NO_ROUTE_DETAIL, Map.of());
        }
        if (!credentials.isAdmin(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION))) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, AdminCredentials.CHALLENGE);
            return problems.write(exchange, HttpStatus.UNAUTHORIZED, "Admin credentials required.", Map.of());
        }
        return chain.filter(exchange);
    }

    private static boolean isGuarded(String path) {
        for (String guarded : GUARDED_PATHS) {
            if (path.equals(guarded) || path.startsWith(guarded + "/")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
