package dev.tokengate.auth;

import dev.tokengate.guard.FailedAttemptGuard;
import org.springframework.http.HttpStatus;

/**
 * Why the gateway answers a request itself instead of forwarding it, with the status, RFC 6750 error code and detail
 * that clients and ops rely on.
 */
public enum AuthFailure {
    MISSING(HttpStatus.UNAUTHORIZED, null, "Authentication credentials were not provided."),
    /** RFC 6750 section 3.1: a malformed request is a 400. */
    MALFORMED(HttpStatus.BAD_REQUEST, "invalid_request", "Malformed credentials."),
    INVALID(HttpStatus.UNAUTHORIZED, "invalid_token", "Invalid token."),
    FORBIDDEN(HttpStatus.FORBIDDEN, "insufficient_scope", "Insufficient scope."),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, null, "Authentication service unavailable."),
    /** The client address made too many invalid-token attempts (see {@link FailedAttemptGuard}). */
    TOO_MANY_ATTEMPTS(HttpStatus.TOO_MANY_REQUESTS, null, "Too many failed authentication attempts."),
    /**
     * A route that takes only client certificates, on a connection that presented none. A 403, as for every
     * certificate refusal: the client cannot answer an HTTP challenge with a certificate, only with a new connection.
     */
    CERTIFICATE_MISSING(HttpStatus.FORBIDDEN, null, "A client certificate is required."),
    /** Verified against the trusted authorities, but not registered, or its registration revoked or expired. */
    CERTIFICATE_UNKNOWN(HttpStatus.FORBIDDEN, null, "The client certificate is not registered."),
    /** Outside its own validity period, whatever Redis says: checked in memory, without a lookup. */
    CERTIFICATE_EXPIRED(HttpStatus.FORBIDDEN, null, "The client certificate is not valid at this time.");

    private final HttpStatus status;
    private final String error;
    private final String detail;

    AuthFailure(HttpStatus status, String error, String detail) {
        this.status = status;
        this.error = error;
        this.detail = detail;
    }

    public HttpStatus status() {
        return status;
    }

    /** The RFC 6750 {@code error} attribute, or {@code null} where the RFC says to send none. */
    public String error() {
        return error;
    }

    public String detail() {
        return detail;
    }
}
