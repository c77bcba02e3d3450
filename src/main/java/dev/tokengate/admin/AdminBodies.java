package dev.tokengate.admin;

import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/** Reads an admin request's JSON body into its record, with a 400 a person can act on when that fails. */
final class AdminBodies {

    private AdminBodies() {}

    /** The request body as {@code type}; a 400 saying which field could not be read, or that it is not JSON. */
    static <T> Mono<T> read(ServerRequest request, Class<T> type, String shape) {
        return request.bodyToMono(type).onErrorMap(ServerWebInputException.class, error -> unreadable(error, shape));
    }

    private static ResponseStatusException unreadable(ServerWebInputException error, String shape) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamReadException) {
                return AdminAnswers.badRequest("Body is not JSON.");
            }
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String field = jackson.getPath().get(0).getPropertyName();
                return AdminAnswers.badRequest(IssueRequest.problemWith(String.valueOf(field), shape));
            }
        }
        return AdminAnswers.badRequest(shape);
    }
}
