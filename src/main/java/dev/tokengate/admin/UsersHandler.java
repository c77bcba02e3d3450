package dev.tokengate.admin;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /admin/users/{user}/tokens}: a user's live tokens, listed or revoked together. */
record UsersHandler(TokenAdministration administration) {

    Mono<ServerResponse> list(ServerRequest request) {
        return user(request)
                .flatMap(user -> administration.list(user).map(listed -> new UserTokens(user, listed)))
                .flatMap(listed -> AdminAnswers.json(HttpStatus.OK, listed));
    }

    Mono<ServerResponse> revokeAll(ServerRequest request) {
        return user(request)
                .flatMap(user -> administration.revokeAll(user).map(revoked -> new Revoked(user, revoked)))
                .flatMap(revoked -> AdminAnswers.json(HttpStatus.OK, revoked));
    }

    private static Mono<String> user(ServerRequest request) {
        String user = request.pathVariable("user");
        return IssueRequest.isValidUser(user) ? Mono.just(user) : Mono.error(AdminAnswers.badRequest("Invalid user."));
    }

    record UserTokens(String user, List<ListedToken> tokens) {}

    record Revoked(String user, long revoked) {}
}
