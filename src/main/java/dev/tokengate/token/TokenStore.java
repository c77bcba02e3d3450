package dev.tokengate.token;

import reactor.core.publisher.Mono;

/** Looks up the identity behind a raw token. */
public interface TokenStore {

    /**
     * Finds the record of a token.
     *
     * @param rawToken the token exactly as the client sent it
     * @return the record of a valid token; empty for an unknown, expired, revoked or unreadable one; an error {@link
     *     TokenStoreUnavailableException} when the store cannot answer in time
     */
    Mono<TokenRecord> lookup(String rawToken);

    /**
     * Finds the record stored under a credential's SHA-256 rather than under a token: a client certificate, whose
     * fingerprint is the SHA-256 of its DER encoding, is kept in the key a token with that hash would have. No token a
     * client can send hashes to it (its bytes would have to be the certificate's DER, which is not visible ASCII), and
     * the key exists only with {@link TokenHashing#SHA256}.
     *
     * @param sha256Hex 64 lowercase hex digits
     * @return as {@link #lookup}
     */
    Mono<TokenRecord> lookupHash(String sha256Hex);

    /**
     * The record of a token this instance already knows to be valid, from memory alone: never a round trip to Redis.
     *
     * @return the record, or {@code null} when knowing would take a lookup (not held, held as unknown, or memory that
     *     cannot be trusted right now)
     */
    default TokenRecord knownValid(String rawToken) {
        return null;
    }
}
