package dev.tokengate.admin;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.tokengate.audit.AuditEntry;
import dev.tokengate.audit.AuditFilter;
import dev.tokengate.audit.AuditTrail;
import dev.tokengate.guard.BlockLifts;
import dev.tokengate.http.HttpTokens;
import dev.tokengate.problem.ProblemErrorWebExceptionHandler;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.StoredToken;
import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * The admin API's requests: bound to records by Spring's Jackson codecs, checked, then carried out by {@link
 * TokenAdministration}. Every refusal is a {@link ResponseStatusException}, which the gateway's one problem writer
 * turns into problem+json, as it does every other error.
 */
final class AdminHandler {

    /** The longest IPv6 text form, with a zone id to spare. */
    static final int MAX_ADDRESS_LENGTH = 64;

    static final int MAX_UNUSED_DAYS = 3650;
    static final int DEFAULT_UNUSED_LIMIT = 1000;
    static final int MAX_UNUSED_LIMIT = 10_000;
    static final int DEFAULT_AUDIT_LIMIT = 100;
    static final int MAX_AUDIT_LIMIT = 1000;

    /** The OpenAPI description on the class path; {@code AdminApiContractTest} keeps it true. */
    static final String DESCRIPTION = "admin/openapi.json";

    private final AdminProperties properties;
    private final TokenHashing hashing;
    private final TokenAdministration administration;
    private final RedisTokenStore tokens;
    private final BlockLifts blockLifts;
    private final AuditTrail auditTrail;
    private final byte[] description;

    AdminHandler(
            AdminProperties properties,
            TokenHashing hashing,
            TokenAdministration administration,
            RedisTokenStore tokens,
            BlockLifts blockLifts,
            AuditTrail auditTrail,
            byte[] description) {
        this.properties = properties;
        this.hashing = hashing;
        this.administration = administration;
        this.tokens = tokens;
        this.blockLifts = blockLifts;
        this.auditTrail = auditTrail;
        this.description = description;
    }

    /** The admin API's routes; {@link ManagementSecurityConfiguration} guards them. */
    static RouterFunction<ServerResponse> routes(AdminHandler handler) {
        return RouterFunctions.route()
                .path(
                        "/admin",
                        admin -> admin.POST("/tokens/introspect", handler::introspect)
                                .POST("/tokens", handler::issue)
                                .GET("/tokens/unused", handler::unused)
                                .DELETE("/tokens/{id}", handler::revoke)
                                .PATCH("/tokens/{id}", handler::patch)
                                .POST("/tokens/{id}/rotate", handler::rotate)
                                .GET("/users/{user}/tokens", handler::list)
                                .DELETE("/users/{user}/tokens", handler::revokeAll)
                                .DELETE("/blocks/{address}", handler::liftBlock)
                                .GET("/audit", handler::audit)
                                .GET("/openapi.json", handler::description)
                                .route(
                                        path("/**"),
                                        request -> Mono.error(new ResponseStatusException(
                                                HttpStatus.NOT_FOUND,
                                                ProblemErrorWebExceptionHandler.NO_ROUTE_DETAIL))))
                .build();
    }

    Mono<ServerResponse> issue(ServerRequest request) {
        if (hashing != TokenHashing.SHA256) {
            return Mono.error(needsSha256("Issuing tokens"));
        }
        return request.bodyToMono(IssueRequest.class)
                .onErrorMap(ServerWebInputException.class, error -> unreadable(error, IssueRequest.SHAPE))
                .switchIfEmpty(Mono.error(() -> badRequest(IssueRequest.SHAPE)))
                .map(issue -> issue.checked(properties))
                .flatMap(issue -> administration.issue(issue.user(), issue.scopes(), issue.label(), issue.ttl()))
                .doOnNext(issued -> AuditFilter.target(
                        request.exchange(), "user:" + issued.user() + " " + AuditFilter.token(issued.hash())))
                .flatMap(issued -> json(HttpStatus.CREATED, IssuedAnswer.of(issued)));
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        return tokenHash(request)
                .flatMap(administration::revoke)
                .flatMap(revoked -> revoked ? ServerResponse.noContent().build() : Mono.error(noSuchToken()));
    }

    Mono<ServerResponse> patch(ServerRequest request) {
        Mono<PatchRequest> patch = request.bodyToMono(PatchRequest.class)
                .onErrorMap(ServerWebInputException.class, error -> unreadable(error, PatchRequest.SHAPE))
                .switchIfEmpty(Mono.error(() -> badRequest(PatchRequest.SHAPE)))
                .map(body -> body.checked(properties));
        return patch.zipWith(tokenHash(request))
                .flatMap(both -> administration.patch(
                        both.getT2(),
                        both.getT1().scopes(),
                        both.getT1().label(),
                        both.getT1().ttl()))
                .switchIfEmpty(Mono.error(AdminHandler::noSuchToken))
                .flatMap(patched -> json(HttpStatus.OK, patched));
    }

    Mono<ServerResponse> rotate(ServerRequest request) {
        if (hashing != TokenHashing.SHA256) {
            return Mono.error(needsSha256("Rotating tokens"));
        }
        Mono<RotateRequest> rotate = request.bodyToMono(RotateRequest.class)
                .onErrorMap(ServerWebInputException.class, error -> unreadable(error, RotateRequest.SHAPE))
                .defaultIfEmpty(RotateRequest.DEFAULTS)
                .map(body -> body.checked(properties));
        return rotate.zipWith(tokenHash(request))
                .flatMap(both -> administration.rotate(
                        both.getT2(), both.getT1().grace(), both.getT1().ttl()))
                .onErrorMap(
                        TokenAdministration.NoUserException.class,
                        error -> new ResponseStatusException(
                                HttpStatus.CONFLICT,
                                "This token names no user to issue a successor for: revoke it instead."))
                .switchIfEmpty(Mono.error(AdminHandler::noSuchToken))
                .doOnNext(rotation -> AuditFilter.target(
                        request.exchange(),
                        AuditFilter.token(rotation.rotated().id()) + " user:"
                                + rotation.issued().user() + " successor:"
                                + TokenHashing.shortId(rotation.issued().hash())))
                .flatMap(rotation -> json(HttpStatus.CREATED, RotatedAnswer.of(rotation)));
    }

    /**
     * The hash a token's {@code id} path variable names: the full hash, or the one stored token's whose hash starts
     * with the given digits (404 when none does, 409 when several do).
     */
    private Mono<String> tokenHash(ServerRequest request) {
        String id = request.pathVariable("id");
        if (TokenHashing.isSha256Hex(id)) {
            return Mono.just(id);
        }
        if (!TokenHashing.isSha256HexPrefix(id, TokenHashing.SHORT_ID_DIGITS)) {
            return Mono.error(badRequest("A token id is the token's hash, 64 lowercase hex digits, or the first "
                    + TokenHashing.SHORT_ID_DIGITS + " or more of them."));
        }
        if (hashing != TokenHashing.SHA256) {
            // the keys would hold raw tokens, which a prefix must not be matched against
            return Mono.error(new ResponseStatusException(
                    HttpStatus.CONFLICT, "A token id by prefix needs tokengate.auth.token-hashing=sha256."));
        }
        return administration.hashesStartingWith(id, 2).flatMap(hashes -> switch (hashes.size()) {
            case 0 -> Mono.error(noSuchToken());
            case 1 -> Mono.just(hashes.get(0));
            default ->
                Mono.error(new ResponseStatusException(
                        HttpStatus.CONFLICT,
                        "More than one token's id starts with " + id + ": give more of its digits."));
        });
    }

    /** A 409 for what only works when Redis holds hashes of tokens, never tokens. */
    private static ResponseStatusException needsSha256(String what) {
        return new ResponseStatusException(
                HttpStatus.CONFLICT, what + " needs tokengate.auth.token-hashing=sha256: only hashes are stored.");
    }

    private static ResponseStatusException noSuchToken() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No token with this id.");
    }

    Mono<ServerResponse> revokeAll(ServerRequest request) {
        return validUser(request)
                .flatMap(user -> administration.revokeAll(user).map(revoked -> new Revoked(user, revoked)))
                .flatMap(revoked -> json(HttpStatus.OK, revoked));
    }

    Mono<ServerResponse> list(ServerRequest request) {
        return validUser(request)
                .flatMap(user -> administration.list(user).map(listed -> new UserTokens(user, listed)))
                .flatMap(listed -> json(HttpStatus.OK, listed));
    }

    /** The live tokens neither used nor issued in the last {@code days} days, across users: candidates to revoke. */
    Mono<ServerResponse> unused(ServerRequest request) {
        if (hashing != TokenHashing.SHA256) {
            return Mono.error(needsSha256("Listing unused tokens"));
        }
        Integer days = wholeNumber(request, "days", null, MAX_UNUSED_DAYS);
        Integer limit = wholeNumber(request, "limit", DEFAULT_UNUSED_LIMIT, MAX_UNUSED_LIMIT);
        if (days == null) {
            return Mono.error(badRequest("Give days=N, a whole number of days from 1 to " + MAX_UNUSED_DAYS + "."));
        }
        if (limit == null) {
            return Mono.error(badRequest("limit is a whole number from 1 to " + MAX_UNUSED_LIMIT + "."));
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(days));
        return administration
                .unusedSince(cutoff, limit)
                .collectList()
                .flatMap(unused -> json(HttpStatus.OK, new Unused(days, cutoff, unused)));
    }

    /** The query parameter as a number from 1 to {@code max}; {@code absent} when not given, null when not such. */
    private static Integer wholeNumber(ServerRequest request, String name, Integer absent, int max) {
        List<String> values = request.queryParams().getOrDefault(name, List.of());
        if (values.isEmpty()) {
            return absent;
        }
        String value = values.get(0);
        if (values.size() > 1
                || value.isEmpty()
                || value.length() > 9
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int number = Integer.parseInt(value);
        return number >= 1 && number <= max ? number : null;
    }

    /** The OpenAPI 3.1 description of this API ({@link #DESCRIPTION}), read once at startup. */
    Mono<ServerResponse> description(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(description);
    }

    /** The audit trail, newest first: {@code limit} entries (default 100), none older than {@code since}. */
    Mono<ServerResponse> audit(ServerRequest request) {
        Integer limit = wholeNumber(request, "limit", DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT);
        if (limit == null) {
            return Mono.error(badRequest("limit is a whole number from 1 to " + MAX_AUDIT_LIMIT + "."));
        }
        List<String> since = request.queryParams().getOrDefault("since", List.of());
        Instant from;
        try {
            from = since.isEmpty() ? null : Instant.parse(since.get(0));
        } catch (DateTimeParseException e) {
            from = null;
        }
        if (since.size() > 1 || (!since.isEmpty() && from == null)) {
            return Mono.error(badRequest("since is an ISO-8601 time in UTC, such as 2026-12-03T08:00:00Z."));
        }
        return auditTrail.read(limit, from).flatMap(entries -> json(HttpStatus.OK, new AuditEntries(entries)));
    }

    /** Lifts the brute-force block on a client address, on every instance: 204 whether or not it was blocked. */
    Mono<ServerResponse> liftBlock(ServerRequest request) {
        String address = request.pathVariable("address");
        if (address.length() > MAX_ADDRESS_LENGTH || !HttpTokens.isVisibleAscii(address)) {
            return Mono.error(badRequest("Invalid client address."));
        }
        return blockLifts.lift(address).then(ServerResponse.noContent().build());
    }

    /**
     * RFC 7662 style: {@code token=...} as a form (or a JSON object); the answer says whether it is active. Asks Redis
     * itself, never a cache.
     */
    Mono<ServerResponse> introspect(ServerRequest request) {
        boolean json = request.headers()
                .contentType()
                .filter(MediaType.APPLICATION_JSON::isCompatibleWith)
                .isPresent();
        Mono<String> token = json
                ? request.bodyToMono(IntrospectionRequest.class)
                        .onErrorMap(ServerWebInputException.class, e -> badRequest("Body is not JSON."))
                        .mapNotNull(IntrospectionRequest::token)
                : request.formData().mapNotNull(form -> form.getFirst("token"));
        return token.filter(raw -> !raw.isEmpty())
                .switchIfEmpty(Mono.error(() -> badRequest("Missing 'token'.")))
                .flatMap(raw -> tokens.findWithTtl(tokens.keyFor(raw))
                        .flatMap(stored -> lastUsed(raw).map(lastUsed -> Introspection.of(stored, lastUsed))))
                .flatMap(introspection -> json(HttpStatus.OK, introspection));
    }

    /** A token's last use; none with {@code token-hashing: none}, where it is not recorded. */
    private Mono<Optional<Instant>> lastUsed(String raw) {
        return hashing == TokenHashing.SHA256
                ? administration.lastUsed(TokenHashing.sha256Hex(raw))
                : Mono.just(Optional.empty());
    }

    private static Mono<String> validUser(ServerRequest request) {
        String user = request.pathVariable("user");
        return IssueRequest.isValidUser(user) ? Mono.just(user) : Mono.error(badRequest("Invalid user."));
    }

    /** A 400 whose detail the problem writer shows the client. */
    static ResponseStatusException badRequest(String detail) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, detail);
    }

    private static Mono<ServerResponse> json(HttpStatus status, Object body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body);
    }

    /** Says which field of a request body could not be read, or that the body is not JSON at all. */
    private static ResponseStatusException unreadable(ServerWebInputException error, String shape) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamReadException) {
                return badRequest("Body is not JSON.");
            }
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String field = jackson.getPath().get(0).getPropertyName();
                return badRequest(IssueRequest.problemWith(String.valueOf(field), shape));
            }
        }
        return badRequest(shape);
    }

    record IntrospectionRequest(String token) {}

    /**
     * The answer to an issue: the raw token, shown this once, and its {@code id}, which every other call and answer
     * uses. {@code hash}, the same value, is kept for scripts written before {@code id} was added.
     */
    record IssuedAnswer(
            String token, String id, String hash, String user, String scopes, String label, Instant expiresAt) {

        static IssuedAnswer of(TokenAdministration.IssuedToken issued) {
            return new IssuedAnswer(
                    issued.token(),
                    issued.hash(),
                    issued.hash(),
                    issued.user(),
                    issued.scopes(),
                    issued.label(),
                    issued.expiresAt());
        }

        @Override
        public String toString() {
            return "IssuedAnswer[id=" + id + ", user=" + user + "]";
        }
    }

    /** The issue answer for the new token, and when the old one ends. */
    record RotatedAnswer(@JsonUnwrapped IssuedAnswer issued, TokenAdministration.RotatedToken rotated) {

        static RotatedAnswer of(TokenAdministration.Rotation rotation) {
            return new RotatedAnswer(IssuedAnswer.of(rotation.issued()), rotation.rotated());
        }
    }

    record Revoked(String user, long revoked) {}

    record AuditEntries(List<AuditEntry> entries) {}

    record UserTokens(String user, List<TokenAdministration.ListedToken> tokens) {}

    /**
     * RFC 7662 section 2.2: only {@code active} for a token that is not. {@code last_used}, an extension, is a
     * NumericDate like {@code exp}, absent when no use is recorded.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Introspection(
            boolean active,
            String sub,
            String scope,
            @JsonProperty("token_type") String tokenType,
            Long exp,
            @JsonProperty("last_used") Long lastUsed) {

        static Introspection of(StoredToken stored, Optional<Instant> lastUsed) {
            if (!stored.isValid()) {
                return new Introspection(false, null, null, null, null, null);
            }
            Long exp = stored.ttlMillis() >= 0
                    ? Instant.now().plusMillis(stored.ttlMillis()).getEpochSecond()
                    : null;
            return new Introspection(
                    true,
                    stored.token().user(),
                    stored.token().scopes(),
                    "Bearer",
                    exp,
                    lastUsed.map(Instant::getEpochSecond).orElse(null));
        }
    }

    /** The tokens neither used nor issued since {@code cutoff}. */
    record Unused(int days, Instant cutoff, List<TokenAdministration.ListedToken> tokens) {}
}
