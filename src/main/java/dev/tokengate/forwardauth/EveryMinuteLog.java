package dev.tokengate.forwardauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Warns at most once a minute for each cause: a misconfigured proxy repeats the same mistake on every request, and one
 * line a minute says what it is without flooding the log.
 */
final class EveryMinuteLog {

    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final long MAXIMUM_CAUSES = 1_000;

    private final Logger log;
    private final Cache<String, Boolean> logged = Caffeine.newBuilder()
            .expireAfterWrite(INTERVAL)
            .maximumSize(MAXIMUM_CAUSES)
            .build();

    EveryMinuteLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} unless {@code cause} was logged within the last minute. */
    void warn(String cause, String message) {
        if (logged.asMap().putIfAbsent(cause, Boolean.TRUE) == null) {
            log.warn("{} (logged once a minute)", message);
        }
    }
}
