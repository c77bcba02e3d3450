package dev.tokengate.admin;

import dev.tokengate.auth.AuthorizationHeaderParser;
import dev.tokengate.auth.Credentials;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads the admin credential from {@code Authorization: Bearer <token>}, with the same RFC 6750 parser as the
 * gateway's own check: several Authorization headers, or a malformed one, fail authentication rather than being
 * guessed at.
 */
final class AdminTokenConverter implements ServerAuthenticationConverter {

    private static final AuthorizationHeaderParser BEARER = new AuthorizationHeaderParser(List.of("Bearer"));

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        Credentials credentials =
                BEARER.parse(exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (credentials instanceof Credentials.Token token) {
            return Mono.just(
                    UsernamePasswordAuthenticationToken.unauthenticated(AdminCredentials.ADMIN, token.value()));
        }
        if (credentials instanceof Credentials.Malformed) {
            return Mono.error(new BadCredentialsException("Malformed admin credential"));
        }
        return Mono.empty();
    }
}
