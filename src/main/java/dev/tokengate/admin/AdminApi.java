package dev.tokengate.admin;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import dev.tokengate.problem.ProblemErrorWebExceptionHandler;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The admin API's routes, one handler per resource; {@link ManagementSecurityConfiguration} guards them and {@link
 * #DESCRIPTION} describes them ({@code AdminApiContractTest} keeps the two alike).
 */
final class AdminApi {

    /** The OpenAPI 3.1 description on the class path, served as {@code /admin/openapi.json}. */
    static final String DESCRIPTION = "admin/openapi.json";

    private AdminApi() {}

    static RouterFunction<ServerResponse> routes(
            TokensHandler tokens,
            CertificatesHandler certificates,
            UsersHandler users,
            BlocksHandler blocks,
            AuditHandler audit,
            byte[] description) {
        return RouterFunctions.route()
                .path(
                        "/admin",
                        admin -> admin.POST("/tokens/introspect", tokens::introspect)
                                .POST("/tokens", tokens::issue)
                                .GET("/tokens/unused", tokens::unused)
                                .DELETE("/tokens/{id}", tokens::revoke)
                                .PATCH("/tokens/{id}", tokens::patch)
                                .POST("/tokens/{id}/rotate", tokens::rotate)
                                .POST("/certificates", certificates::register)
                                .DELETE("/certificates/{id}", tokens::revoke)
                                .GET("/users/{user}/tokens", users::list)
                                .DELETE("/users/{user}/tokens", users::revokeAll)
                                .DELETE("/blocks/{address}", blocks::lift)
                                .GET("/audit", audit::read)
                                .GET(
                                        "/openapi.json",
                                        request -> ServerResponse.ok()
                                                .contentType(MediaType.APPLICATION_JSON)
                                                .bodyValue(description))
                                .route(
                                        path("/**"),
                                        request -> Mono.error(new ResponseStatusException(
                                                HttpStatus.NOT_FOUND,
                                                ProblemErrorWebExceptionHandler.NO_ROUTE_DETAIL))))
                .build();
    }
}
