package dev.tokengate.auth;

import dev.tokengate.token.TokenRecord;

/** The outcome of checking a request: forward it as a user, or answer it with a failure. */
sealed interface AuthDecision permits AuthDecision.Authenticated, AuthFailure {

    record Authenticated(TokenRecord token) implements AuthDecision {}
}
