package dev.tokengate.redis;

import io.lettuce.core.RedisCommandExecutionException;
import java.util.Optional;

/**
 * The code of an error Redis answered with: the first word of the error reply, which the RESP specification calls the
 * error's kind ({@code ERR}, {@code WRONGTYPE}, {@code NOPERM}, {@code NOAUTH}, ...). It is part of Redis's protocol,
 * unlike the words after it, so decisions look at it alone. Lettuce passes the reply on as the message of a {@link
 * RedisCommandExecutionException}, the contract of that type.
 */
public final class RedisErrorCode {

    public static final String ERR = "ERR";
    public static final String WRONGTYPE = "WRONGTYPE";
    public static final String NOPERM = "NOPERM";
    public static final String NOAUTH = "NOAUTH";
    public static final String WRONGPASS = "WRONGPASS";

    private RedisErrorCode() {}

    /** The code of the first Redis error reply in the error's causes; empty when Redis did not answer with one. */
    public static Optional<String> of(Throwable error) {
        for (Throwable link = error; link != null; link = link.getCause()) {
            if (link instanceof RedisCommandExecutionException && link.getMessage() != null) {
                return codeOf(link.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Whether the error is a Redis error reply with this code. */
    public static boolean is(Throwable error, String code) {
        return of(error).filter(code::equals).isPresent();
    }

    static Optional<String> codeOf(String reply) {
        int end = 0;
        while (end < reply.length() && reply.charAt(end) >= 'A' && reply.charAt(end) <= 'Z') {
            end++;
        }
        boolean wholeWord = end > 0 && (end == reply.length() || reply.charAt(end) == ' ');
        return wholeWord ? Optional.of(reply.substring(0, end)) : Optional.empty();
    }
}
