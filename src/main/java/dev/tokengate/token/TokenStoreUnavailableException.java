package dev.tokengate.token;

/** The token store could not answer, or not within its timeout: the request cannot be checked. */
public class TokenStoreUnavailableException extends RuntimeException {

    public TokenStoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
