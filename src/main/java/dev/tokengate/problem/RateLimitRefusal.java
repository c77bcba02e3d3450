package dev.tokengate.problem;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpStatusCodeException;

/**
 * Spring Cloud Gateway's {@code RequestRateLimiter} refusing a request: with {@code throw-on-limit} it raises a 429
 * carrying the bucket's {@code X-RateLimit-*} headers, which the answer keeps, with a {@code Retry-After} (RFC 9110
 * section 10.2.3) worked out from them.
 */
final class RateLimitRefusal {

    static final String DETAIL = "Too many requests; try again after the time in Retry-After.";

    static final String REMAINING = "X-RateLimit-Remaining";
    static final String REPLENISH_RATE = "X-RateLimit-Replenish-Rate";
    static final String REQUESTED_TOKENS = "X-RateLimit-Requested-Tokens";

    private RateLimitRefusal() {}

    static boolean is(Throwable error) {
        return error instanceof HttpStatusCodeException refused
                && refused.getStatusCode().value() == HttpStatus.TOO_MANY_REQUESTS.value();
    }

    /** The limiter's headers, and Retry-After: the seconds until the bucket holds enough tokens for one request. */
    static void addHeaders(Throwable error, HttpHeaders response) {
        HttpHeaders limiter = ((HttpStatusCodeException) error).getResponseHeaders();
        long seconds = 1;
        if (limiter != null) {
            limiter.forEach((name, values) -> {
                if (name.regionMatches(true, 0, "X-RateLimit-", 0, "X-RateLimit-".length())) {
                    response.addAll(name, values);
                }
            });
            seconds = secondsUntilAllowed(limiter);
        }
        response.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    }

    private static long secondsUntilAllowed(HttpHeaders limiter) {
        long rate = number(limiter, REPLENISH_RATE);
        long requested = number(limiter, REQUESTED_TOKENS);
        long remaining = Math.max(0, number(limiter, REMAINING));
        if (rate <= 0 || requested <= remaining) {
            return 1;
        }
        return Math.max(1, (requested - remaining + rate - 1) / rate);
    }

    private static long number(HttpHeaders headers, String name) {
        try {
            String value = headers.getFirst(name);
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
