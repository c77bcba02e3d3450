package dev.tokengate.admin;

import dev.tokengate.problem.ProblemErrorWebExceptionHandler;
import dev.tokengate.problem.ProblemResponseWriter;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a management request that lacks the admin credential: 401 with the admin challenge (RFC 6750 section 3),
 * or, while no admin credential is configured, 404, as if nothing were there.
 */
final class ManagementEntryPoint implements ServerAuthenticationEntryPoint {

    static final String CHALLENGE = "Bearer realm=\"tokengate-admin\"";
    static final String CREDENTIALS_REQUIRED = "Admin credentials required.";

    private final AdminCredentials credentials;
    private final ProblemResponseWriter problems;

    ManagementEntryPoint(AdminCredentials credentials, ProblemResponseWriter problems) {
        this.credentials = credentials;
        this.problems = problems;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        if (!credentials.isConfigured()) {
            return problems.write(
                    exchange, HttpStatus.NOT_FOUND, ProblemErrorWebExceptionHandler.NO_ROUTE_DETAIL, Map.of());
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        return problems.write(exchange, HttpStatus.UNAUTHORIZED, CREDENTIALS_REQUIRED, Map.of());
    }
}
