package dev.tokengate.support;

import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.http.HttpStatusCode;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Measures how soon a gateway refuses a token once Redis has confirmed the write that ended it: requests go out back
 * to back until one gets the expected status, within a bound.
 */
public final class RefusalTimer {

    /**
     * What the tests assert: refused on the very next request, or within this bound. Only a broken invalidation
     * exceeds it: without one, a cached answer lives until the cache's TTL (5 minutes) or negative TTL (2 seconds).
     * The benchmark measures and reports the real latency (a few milliseconds); a test that asserted that figure would
     * fail on one slow scheduler tick of a busy build machine.
     */
    public static final Duration BOUND = Duration.ofSeconds(1);

    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(5);

    private RefusalTimer() {}

    /**
     * @param since {@link System#nanoTime()} when Redis confirmed the write
     * @return how many requests it took (1: the very next one was refused) and the time since the write
     */
    public static Refusal awaitStatus(
            WebTestClient client, String path, String token, HttpStatusCode expected, long since) {
        return awaitStatus(
                () -> BearerRequests.get(client, path, token)
                        .returnResult(Void.class)
                        .getStatus(),
                expected,
                since);
    }

    /**
     * @param request sends one request with the token and gives the answer's status
     * @param since {@link System#nanoTime()} when Redis confirmed the write
     */
    public static Refusal awaitStatus(Supplier<HttpStatusCode> request, HttpStatusCode expected, long since) {
        int attempts = 0;
        while (true) {
            attempts++;
            HttpStatusCode status = request.get();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - since);
            if (status.equals(expected)) {
                return new Refusal(attempts, elapsed);
            }
            if (elapsed.compareTo(GIVE_UP_AFTER) > 0) {
                throw new AssertionError("Still " + status + " instead of " + expected + " after " + elapsed);
            }
        }
    }

    public record Refusal(int attempts, Duration elapsed) {

        /**
         * Refused on the very next request after Redis confirmed the write (however long that one request took on a
         * busy machine), or within {@link #BOUND} at most.
         */
        public boolean isInTime() {
            return attempts == 1 || elapsed.compareTo(BOUND) < 0;
        }
    }
}
