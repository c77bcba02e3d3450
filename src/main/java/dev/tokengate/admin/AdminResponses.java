package dev.tokengate.admin;

import dev.tokengate.problem.ProblemResponseWriter;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** JSON bodies of the admin API, and its RFC 9457 problems. */
final class AdminResponses {

    private final JsonMapper jsonMapper;

    AdminResponses(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(jsonMapper.writeValueAsString(body));
    }

    Mono<ServerResponse> problem(HttpStatus status, String detail) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(
                        jsonMapper.writeValueAsString(ProblemResponseWriter.problem(status, detail, null, Map.of())));
    }
}
