package dev.tokengate.admin;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * What the admin handlers answer with: JSON bodies, and refusals as {@link ResponseStatusException}s, which the
 * gateway's one problem writer turns into problem+json, as it does every other error.
 */
final class AdminAnswers {

    private AdminAnswers() {}

    static Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    /** A 400 whose detail the problem writer shows the client. */
    static ResponseStatusException badRequest(String detail) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
    }

    static ResponseStatusException noSuchToken() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No token with this id.");
    }

    /** A 409 for what only works when Redis holds hashes of tokens, never tokens. */
    static ResponseStatusException needsSha256(String what) {
        return new ResponseStatusException(
                HttpStatus.CONFLICT, what + " needs tokengate.auth.token-hashing=sha256: only hashes are stored.");
    }
}
