package dev.tokengate.problem;

import java.io.IOException;

/**
 * The upstream's connection failed after its answer began and before the answer's last byte, while nothing of it had
 * been passed on to the client yet: the gateway can still say so with a 502 rather than pass on a truncated answer.
 */
public final class UpstreamAnswerBrokenOffException extends IOException {

    static final String DETAIL = "The upstream service broke off its answer.";

    public UpstreamAnswerBrokenOffException(Throwable cause) {
        super(DETAIL, cause);
    }
}
