package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The hash a token's {@code id} path variable names: the full hash, or the one stored token's whose hash starts with
 * the given digits (at least {@link TokenHashing#SHORT_ID_DIGITS}).
 */
final class TokenIds {

    private final TokenHashing hashing;
    private final TokenAdministration administration;

    TokenIds(TokenHashing hashing, TokenAdministration administration) {
        this.hashing = hashing;
        this.administration = administration;
    }

    /** The hash {@code id} names; 400 when it is no id, 404 when no token has it, 409 when several tokens do. */
    Mono<String> hashOf(String id) {
        if (TokenHashing.isSha256Hex(id)) {
            return Mono.just(id);
        }
        if (!TokenHashing.isSha256HexPrefix(id, TokenHashing.SHORT_ID_DIGITS)) {
            return Mono.error(AdminAnswers.badRequest("A token id is the token's hash, 64 lowercase hex digits, or the"
                    + " first " + TokenHashing.SHORT_ID_DIGITS + " or more of them."));
        }
        if (hashing != TokenHashing.SHA256) {
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
}
