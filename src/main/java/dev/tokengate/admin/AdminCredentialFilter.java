package dev.tokengate.admin;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Guards the admin API's routes with the {@link AdminCredentials}. */
final class AdminCredentialFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private final AdminCredentials credentials;
    private final AdminResponses responses;

    AdminCredentialFilter(AdminCredentials credentials, AdminResponses responses) {
        this.credentials = credentials;
        this.responses = responses;
    }

    @Override
    public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
        if (!credentials.isConfigured()) {
            return responses.problem(HttpStatus.NOT_FOUND, "No route matches this request.");
        }
        if (!credentials.isAdmin(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
            HttpHeaders challenge = new HttpHeaders();
            challenge.set(HttpHeaders.WWW_AUTHENTICATE, AdminCredentials.CHALLENGE);
            return responses.problem(HttpStatus.UNAUTHORIZED, "Admin credentials required.", challenge);
        }
        return next.handle(request);
    }
}
