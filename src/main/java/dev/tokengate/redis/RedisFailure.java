package dev.tokengate.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.springframework.core.NestedExceptionUtils;
import reactor.core.Exceptions;

/**
 * Why Redis did not answer, in terms an operator acts on: the cause, and the most specific message of the error.
 *
 * @param cause what kind of failure it is
 * @param message the most specific message Lettuce or the JDK gave
 */
public record RedisFailure(Cause cause, String message) {

    public enum Cause {
        REFUSED("connection refused: is Redis running and listening on that address?"),
        UNREACHABLE("no route to the host"),
        DNS("host name not found (DNS)"),
        TIMEOUT("no answer in time"),
        AUTHENTICATION("authentication failed (NOAUTH/WRONGPASS): check spring.data.redis.username and password"),
        PERMISSION("the Redis user lacks a permission (NOPERM): see the ACL line in docs/operations.md"),
        TLS("TLS handshake failed: check spring.data.redis.ssl and the server's certificate"),
        PROTOCOL("Redis answered with an error or in a way the client did not expect"),
        DISCONNECTED("the connection is down and being reopened"),
        OTHER("unexpected error");

        private final String description;

        Cause(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        /**
         * Whether it says why Redis cannot be used. A timeout, a connection being reopened or an unexpected error is
         * what every caller meets while Redis is away for any reason; they start an outage, but do not replace its
         * cause once a connect attempt has found it.
         */
        public boolean isDiagnostic() {
            return this != TIMEOUT && this != DISCONNECTED && this != OTHER;
        }
    }

    public static RedisFailure of(Throwable error) {
        if (Exceptions.isMultiple(error)) {
            return of(Exceptions.unwrapMultiple(error).get(0));
        }
        String message =
                String.valueOf(NestedExceptionUtils.getMostSpecificCause(error).getMessage());
        return new RedisFailure(causeOf(error), message);
    }

    /** The first link of the cause chain that says what happened. */
    private static Cause causeOf(Throwable error) {
        String code = RedisErrorCode.of(error).orElse("");
        if (code.equals(RedisErrorCode.NOAUTH) || code.equals(RedisErrorCode.WRONGPASS)) {
            return Cause.AUTHENTICATION;
        }
        if (code.equals(RedisErrorCode.NOPERM)) {
            return Cause.PERMISSION;
        }
        for (Throwable link = error; link != null; link = link.getCause()) {
            String message = link.getMessage() == null ? "" : link.getMessage();
            if (link instanceof UnknownHostException) {
                return Cause.DNS;
            }
            if (link instanceof ConnectException) {
                return Cause.REFUSED;
            }
            if (link instanceof NoRouteToHostException) {
                return Cause.UNREACHABLE;
            }
            if (link instanceof SSLException || link.getClass().getSimpleName().startsWith("NotSsl")) {
                return Cause.TLS;
            }
            // Lettuce's own wording, with no type of its own; LettuceErrorContractTest pins it
            if (message.startsWith("Currently not connected")
                    || message.startsWith("Connection disconnected")
                    || message.startsWith("Connection closed")) {
                return Cause.DISCONNECTED;
            }
            // the connection failed under a command (reset by peer, broken pipe): Netty's native errors are
            // IOExceptions
            if (link instanceof IOException) {
                return Cause.DISCONNECTED;
            }
            if (link instanceof RedisCommandTimeoutException
                    || link instanceof TimeoutException
                    || link.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return Cause.TIMEOUT;
            }
        }
        return code.isEmpty() ? Cause.OTHER : Cause.PROTOCOL;
    }

    /** One line for the log: the cause, then the message that shows it. */
    public String describe() {
        return cause.description() + " (" + message + ")";
    }
}
