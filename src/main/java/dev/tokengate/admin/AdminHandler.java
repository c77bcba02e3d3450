package dev.tokengate.admin;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import dev.tokengate.auth.AuthProperties;
import dev.tokengate.problem.ProblemErrorWebExceptionHandler;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API's requests: checked, then carried out by {@link TokenAdministration}. */
final class AdminHandler {

    private static final Set<String> ISSUE_FIELDS = Set.of("user", "scopes", "ttl");
    private static final int MAX_USER_LENGTH = 256;

    private final AdminProperties properties;
    private final AuthProperties authProperties;
    private final TokenAdministration administration;
    private final RedisTokenStore tokens;
    private final AdminResponses responses;
    private final JsonMapper jsonMapper;

    AdminHandler(
            AdminProperties properties,
            AuthProperties authProperties,
            TokenAdministration administration,
            RedisTokenStore tokens,
            AdminResponses responses,
            JsonMapper jsonMapper) {
        this.properties = properties;
        this.authProperties = authProperties;
        this.administration = administration;
        this.tokens = tokens;
        this.responses = responses;
        this.jsonMapper = jsonMapper;
    }

    /** The admin API's routes; {@link ManagementSecurityConfiguration} guards them. */
    static RouterFunction<ServerResponse> routes(AdminHandler handler) {
        return RouterFunctions.route()
                .path(
                        "/admin",
                        admin -> admin.POST("/tokens/introspect", handler::introspect)
                                .POST("/tokens", handler::issue)
                                .DELETE("/tokens/{hash}", handler::revoke)
                                .GET("/users/{user}/tokens", handler::list)
                                .DELETE("/users/{user}/tokens", handler::revokeAll)
                                .route(
                                        path("/**"),
                                        request -> handler.responses.problem(
                                                HttpStatus.NOT_FOUND, ProblemErrorWebExceptionHandler.NO_ROUTE_DETAIL)))
                .build();
    }

    Mono<ServerResponse> issue(ServerRequest request) {
        if (authProperties.tokenHashing() != TokenHashing.SHA256) {
            return responses.problem(
                    HttpStatus.CONFLICT,
                    "Issuing tokens needs tokengate.auth.token-hashing=sha256: only hashes are stored.");
        }
        return request.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            IssueRequest issue;
            try {
                issue = parseIssue(body);
            } catch (InvalidRequestException e) {
                return responses.problem(HttpStatus.BAD_REQUEST, e.getMessage());
            }
            return administration
                    .issue(issue.user(), issue.scopes(), issue.ttl())
                    .flatMap(issued -> responses.json(HttpStatus.CREATED, issuedBody(issued)));
        });
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        String hash = request.pathVariable("hash");
        if (!hash.matches("[0-9a-f]{64}")) {
            return responses.problem(HttpStatus.BAD_REQUEST, "A token hash is 64 lowercase hex digits.");
        }
        return administration
                .revoke(hash)
                .flatMap(revoked -> revoked
                        ? ServerResponse.noContent().build()
                        : responses.problem(HttpStatus.NOT_FOUND, "No token with this hash."));
    }

    Mono<ServerResponse> revokeAll(ServerRequest request) {
        String user = request.pathVariable("user");
        if (!isValidUser(user)) {
            return responses.problem(HttpStatus.BAD_REQUEST, "Invalid user.");
        }
        return administration
                .revokeAll(user)
                .flatMap(revoked -> responses.json(HttpStatus.OK, Map.of("user", user, "revoked", revoked)));
    }

    Mono<ServerResponse> list(ServerRequest request) {
        String user = request.pathVariable("user");
        if (!isValidUser(user)) {
            return responses.problem(HttpStatus.BAD_REQUEST, "Invalid user.");
        }
        return administration
                .list(user)
                .flatMap(listed -> responses.json(
                        HttpStatus.OK,
                        Map.of(
                                "user",
                                user,
                                "tokens",
                                listed.stream()
                                        .map(token -> Map.of(
                                                "hashPrefix", token.hashPrefix(),
                                                "scopes", token.scopes(),
                                                "expiresInSeconds",
                                                        token.remainingMillis() < 0
                                                                ? -1
                                                                : token.remainingMillis() / 1000))
                                        .toList())));
    }

    /** RFC 7662 style: {@code token=...} as a form (or a JSON object); the answer says whether it is active. */
    Mono<ServerResponse> introspect(ServerRequest request) {
        Mono<String> token = request.headers()
                        .contentType()
                        .filter(MediaType.APPLICATION_JSON::isCompatibleWith)
                        .isPresent()
                ? request.bodyToMono(String.class)
                        .map(body -> jsonMapper.readTree(body).path("token").asText(""))
                : request.formData().map(form -> String.valueOf(form.getFirst("token")));
        return token.defaultIfEmpty("")
                .flatMap(raw -> raw.isEmpty() || "null".equals(raw)
                        ? responses.problem(HttpStatus.BAD_REQUEST, "Missing 'token'.")
                        : tokens.findWithTtl(tokens.keyFor(raw)).flatMap(stored -> {
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("active", stored.isValid());
                            if (stored.isValid()) {
                                body.put("sub", stored.token().user());
                                body.put("scope", stored.token().scopes());
                                body.put("token_type", "Bearer");
                                if (stored.ttlMillis() >= 0) {
                                    body.put(
                                            "exp",
                                            Instant.now()
                                                    .plusMillis(stored.ttlMillis())
                                                    .getEpochSecond());
                                }
                            }
                            return responses.json(HttpStatus.OK, body);
                        }))
                .onErrorResume(
                        JacksonException.class, e -> responses.problem(HttpStatus.BAD_REQUEST, "Body is not JSON."));
    }

    private IssueRequest parseIssue(String body) {
        JsonNode json;
        try {
            json = jsonMapper.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidRequestException("Body is not JSON.");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidRequestException("Body must be a JSON object with 'user', optional 'scopes' and 'ttl'.");
        }
        for (String field : json.propertyNames()) {
            if (!ISSUE_FIELDS.contains(field)) {
                throw new InvalidRequestException("Unknown field '" + field + "'.");
            }
        }
        String user = json.path("user").isString() ? json.path("user").asString() : "";
        if (!isValidUser(user)) {
            throw new InvalidRequestException(
                    "'user' must be 1 to " + MAX_USER_LENGTH + " visible ASCII characters without spaces.");
        }
        JsonNode scopesNode = json.path("scopes");
        String scopes = scopesNode.isMissingNode() || scopesNode.isNull()
                ? ""
                : scopesNode.asString("").trim();
        if (!scopesNode.isMissingNode() && !scopesNode.isNull() && !scopesNode.isString()
                || !scopes.chars().allMatch(c -> c == ' ' || (c >= 0x21 && c <= 0x7e))) {
            throw new InvalidRequestException("'scopes' must be a string of space-separated visible ASCII words.");
        }
        return new IssueRequest(user, scopes, ttl(json.path("ttl")));
    }

    private Duration ttl(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return properties.defaultTtl();
        }
        Duration ttl;
        try {
            ttl = Duration.parse(node.asString(""));
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("'ttl' must be an ISO-8601 duration such as PT24H.");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(properties.maxTtl()) > 0) {
            throw new InvalidRequestException(
                    "'ttl' must be positive and at most " + properties.maxTtl() + " (tokengate.admin.max-ttl).");
        }
        return ttl;
    }

    private static boolean isValidUser(String user) {
        return !user.isEmpty()
                && user.length() <= MAX_USER_LENGTH
                && user.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    private static Map<String, Object> issuedBody(TokenAdministration.IssuedToken issued) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("hash", issued.hash());
        body.put("user", issued.user());
        body.put("scopes", issued.scopes());
        body.put("expiresAt", issued.expiresAt().toString());
        return body;
    }

    private record IssueRequest(String user, String scopes, Duration ttl) {}

    private static final class InvalidRequestException extends RuntimeException {
        InvalidRequestException(String message) {
            super(message, null, false, false);
        }
    }
}
