package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Closed unless {@code tokengate.admin.token-sha256} is set, and then only for the bearer of that token. The
 * comparison of hashes takes the same time whatever the input, so timing tells an attacker nothing.
 */
final class AdminCredentialFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    static final String CHALLENGE = "Bearer realm=\"tokengate-admin\"";

    private final AdminProperties properties;
    private final AdminResponses responses;

    AdminCredentialFilter(AdminProperties properties, AdminResponses responses) {
        this.properties = properties;
        this.responses = responses;
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        if (!properties.isEnabled()) {
            return responses.problem(HttpStatus.NOT_FOUND, "No route matches this request.");
        }
        if (!isAdmin(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
            HttpHeaders challenge = new HttpHeaders();
            challenge.set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            return responses.problem(HttpStatus.UNAUTHORIZED, "Admin credentials required.", challenge);
        }
        return next.handle(request);
    }

    private boolean isAdmin(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String presented = TokenHashing.sha256Hex(authorization.substring(7).trim());
        return MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.US_ASCII),
                properties.tokenSha256().getBytes(StandardCharsets.US_ASCII));
    }
}
