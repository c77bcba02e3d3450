package dev.tokengate.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
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
        return problem(status, detail, new HttpHeaders());
    }

    Mono<ServerResponse> problem(HttpStatus status, String detail, HttpHeaders headers) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        return ServerResponse.status(status)
                .headers(h -> h.addAll(headers))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(jsonMapper.writeValueAsString(problem));
    }
}
