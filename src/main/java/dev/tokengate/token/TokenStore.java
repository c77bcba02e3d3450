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
}
