package dev.tokengate.auth;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;

/**
 * What a token check decided about a request, for the transport that asked to render: the gateway's route filter
 * forwards or answers, the authorization endpoint answers other proxies. Each outcome carries what its answer needs.
 */
public sealed interface TokenDecision permits TokenDecision.Allowed, TokenDecision.Denied, TokenDecision.Unavailable {

    /** The store could not answer in time: fail closed with 503 and {@code Retry-After}. */
    Unavailable UNAVAILABLE = new Unavailable();

    /**
     * The token is valid and carries every scope the policy requires.
     *
     * @param token the identity, its scopes, and the Redis key it was read from (whose deletion revokes it)
     */
    record Allowed(TokenRecord token) implements TokenDecision {}

    /**
     * The request is refused.
     *
     * @param failure why, with the status, RFC 6750 error code and detail of the answer
     * @param policy what the request needed: a 403 names its missing scopes
     * @param retryAfterSeconds for {@link AuthFailure#TOO_MANY_ATTEMPTS}, how long the client address stays blocked;
     *     0 otherwise
     */
    record Denied(AuthFailure failure, RoutePolicy policy, long retryAfterSeconds) implements TokenDecision {

        static Denied because(AuthFailure failure, RoutePolicy policy) {
            return new Denied(failure, policy, 0);
        }
    }

    /** The token store could not answer in time. */
    final class Unavailable implements TokenDecision {

        private Unavailable() {}

        @Override
        public String toString() {
            return "Unavailable";
        }
    }
}
