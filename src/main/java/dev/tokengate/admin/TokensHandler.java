package dev.tokengate.admin;

import dev.tokengate.audit.AuditTarget;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/tokens}: issue, change, rotate, revoke and introspect one token, and list the unused ones. Bodies are
 * bound to records by Spring's Jackson codecs and checked; {@link TokenAdministration} carries out the call.
 */
record TokensHandler(AdminProperties properties, TokenAdministration administration, RedisTokenStore tokens) {

    Mono<ServerResponse> issue(ServerRequest request) {
        if (tokens.hashing() != TokenHashing.SHA256) {
            return Mono.error(AdminAnswers.needsSha256("Issuing tokens"));
        }
        return AdminBodies.read(request, IssueRequest.class, IssueRequest.SHAPE)
                .switchIfEmpty(Mono.error(() -> AdminAnswers.badRequest(IssueRequest.SHAPE)))
                .map(issue -> issue.checked(properties))
                .flatMap(issue -> administration.issue(issue.user(), issue.scopes(), issue.label(), issue.ttl()))
                .doOnNext(issued -> AuditTarget.name(
                        request.exchange(), "user:" + issued.user() + " " + AuditTarget.token(issued.hash())))
                .flatMap(issued -> AdminAnswers.json(HttpStatus.CREATED, IssuedAnswer.of(issued)));
    }

    Mono<ServerResponse> revoke(ServerRequest request) {
        return hashOf(request.pathVariable("id"))
                .flatMap(administration::revoke)
                .flatMap(revoked ->
                        revoked ? ServerResponse.noContent().build() : Mono.error(AdminAnswers.noSuchToken()));
    }

    Mono<ServerResponse> patch(ServerRequest request) {
        Mono<PatchRequest> patch = AdminBodies.read(request, PatchRequest.class, PatchRequest.SHAPE)
                .switchIfEmpty(Mono.error(() -> AdminAnswers.badRequest(PatchRequest.SHAPE)))
                .map(body -> body.checked(properties));
        return patch.zipWith(hashOf(request.pathVariable("id")))
                .flatMap(both -> administration.patch(
                        both.getT2(),
                        both.getT1().scopes(),
                        both.getT1().label(),
                        both.getT1().ttl()))
                .switchIfEmpty(Mono.error(AdminAnswers::noSuchToken))
                .flatMap(patched -> AdminAnswers.json(HttpStatus.OK, patched));
    }

    Mono<ServerResponse> rotate(ServerRequest request) {
        if (tokens.hashing() != TokenHashing.SHA256) {
            return Mono.error(AdminAnswers.needsSha256("Rotating tokens"));
        }
        Mono<RotateRequest> rotate = AdminBodies.read(request, RotateRequest.class, RotateRequest.SHAPE)
                .defaultIfEmpty(RotateRequest.DEFAULTS)
                .map(body -> body.checked(properties));
        return rotate.zipWith(hashOf(request.pathVariable("id")).flatMap(this::notACertificate))
                .flatMap(both -> administration.rotate(
                        both.getT2(), both.getT1().grace(), both.getT1().ttl()))
                .onErrorMap(
                        TokenAdministration.NoUserException.class,
                        error -> new ResponseStatusException(
                                HttpStatus.CONFLICT,
                                "This token names no user to issue a successor for: revoke it instead."))
                .switchIfEmpty(Mono.error(AdminAnswers::noSuchToken))
                .doOnNext(rotation -> AuditTarget.name(
                        request.exchange(),
                        AuditTarget.token(rotation.rotated().id()) + " user:"
                                + rotation.issued().user() + " successor:"
                                + TokenHashing.shortId(rotation.issued().hash())))
                .flatMap(rotation -> AdminAnswers.json(HttpStatus.CREATED, IssuedAnswer.Rotated.of(rotation)));
    }

    /** A certificate's registration has no successor to issue: the new certificate is registered by its holder's CA. */
    private Mono<String> notACertificate(String hash) {
        return administration
                .isCertificate(hash)
                .flatMap(certificate -> certificate
                        ? Mono.error(new ResponseStatusException(
                                HttpStatus.CONFLICT,
                                "This id is a client certificate's registration: register the certificate that replaces it,"
                                        + " then revoke this one."))
                        : Mono.just(hash));
    }

    /**
     * The hash a token's {@code id} path variable names: the full hash, or the one stored token's whose hash starts
     * with the given digits (at least {@link TokenHashing#SHORT_ID_DIGITS}); 400 when it is no id, 404 when no token has it, 409 when several tokens do. */
    private Mono<String> hashOf(String id) {
        if (TokenHashing.isSha256Hex(id)) {
            return Mono.just(id);
        }
        if (!TokenHashing.isSha256HexPrefix(id, TokenHashing.SHORT_ID_DIGITS)) {
            return Mono.error(AdminAnswers.badRequest("A token id is the token's hash, 64 lowercase hex digits, or the"
                    + " first " + TokenHashing.SHORT_ID_DIGITS + " or more of them."));
        }
        if (tokens.hashing() != TokenHashing.SHA256) {
            // the keys would hold raw tokens, which a prefix must not be matched against
            return Mono.error(new ResponseStatusException(
                    HttpStatus.CONFLICT, "A token id by prefix needs tokengate.auth.token-hashing=sha256."));
        }
        return administration.hashesStartingWith(id, 2).flatMap(hashes -> switch (hashes.size()) {
            case 0 -> Mono.error(AdminAnswers.noSuchToken());
            case 1 -> Mono.just(hashes.get(0));
            default ->
                Mono.error(new ResponseStatusException(
                        HttpStatus.CONFLICT,
                        "More than one token's id starts with " + id + ": give more of its digits."));
        });
    }

    /** The live tokens neither used nor issued in the last {@code days} days, across users: candidates to revoke. */
    Mono<ServerResponse> unused(ServerRequest request) {
        if (tokens.hashing() != TokenHashing.SHA256) {
            return Mono.error(AdminAnswers.needsSha256("Listing unused tokens"));
        }
        return UnusedQuery.PARAMETERS.bind(request.queryParams()).flatMap(query -> {
            Instant cutoff = Instant.now().minus(Duration.ofDays(query.days()));
            return administration
                    .unusedSince(cutoff, query.limit())
                    .collectList()
                    .flatMap(unused -> AdminAnswers.json(HttpStatus.OK, new Unused(query.days(), cutoff, unused)));
        });
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
                ? request.bodyToMono(Introspection.Request.class)
                        .onErrorMap(ServerWebInputException.class, e -> AdminAnswers.badRequest("Body is not JSON."))
                        .mapNotNull(Introspection.Request::token)
                : request.formData().mapNotNull(form -> form.getFirst("token"));
        return token.filter(raw -> !raw.isEmpty())
                .switchIfEmpty(Mono.error(() -> AdminAnswers.badRequest("Missing 'token'.")))
                .flatMap(raw -> tokens.findWithTtl(tokens.keyFor(raw))
                        .flatMap(stored -> lastUsed(raw).map(lastUsed -> Introspection.of(stored, lastUsed))))
                .flatMap(introspection -> AdminAnswers.json(HttpStatus.OK, introspection));
    }

    /** A token's last use; none with {@code token-hashing: none}, where it is not recorded. */
    private Mono<Optional<Instant>> lastUsed(String raw) {
        return tokens.hashing() == TokenHashing.SHA256
                ? administration.lastUsed(TokenHashing.sha256Hex(raw))
                : Mono.just(Optional.empty());
    }

    /** The tokens neither used nor issued since {@code cutoff}. */
    record Unused(int days, Instant cutoff, List<ListedToken> tokens) {}
}
