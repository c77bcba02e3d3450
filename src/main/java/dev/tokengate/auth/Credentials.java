package dev.tokengate.auth;

/** What the Authorization header of a request holds. */
public sealed interface Credentials permits Credentials.Token, Credentials.Missing, Credentials.Malformed {

    Missing MISSING = new Missing();

    /** A well-formed token under one of the configured schemes. */
    record Token(String value) implements Credentials {
        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    /** No header, an empty one, or another scheme (such as Basic): the request carries no credentials for us. */
    record Missing() implements Credentials {}

    /** One of our schemes, but not in the form RFC 6750 allows. */
    record Malformed(String reason) implements Credentials {}
}
