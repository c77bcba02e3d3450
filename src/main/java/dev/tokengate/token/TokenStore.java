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
     * The record of a token this instance already knows to be valid, from memory alone: never a round trip to Redis.
     *
     * @return the record, or {@code null} when knowing would take a lookup (not held, held as unknown, or memory that
     *     cannot be trusted right now)
     */
    default TokenRecord knownValid(String rawToken) {
        return null;
    }
}
