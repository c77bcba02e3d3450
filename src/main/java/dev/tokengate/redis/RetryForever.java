package dev.tokengate.redis;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Connections and subscriptions the gateway cannot work without, while Redis may be down at startup: tried again every
 * second until they succeed. Once open, Lettuce reconnects them by itself.
 */
public final class RetryForever {

    public static final Duration DELAY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(RetryForever.class);

    private RetryForever() {}

    /** Retries every {@link #DELAY}, without end. */
    public static Retry everySecond() {
        return Retry.fixedDelay(Long.MAX_VALUE, DELAY);
    }

    /**
     * Opens what {@code connect} opens, retried every second. Opening a Lettuce connection blocks, so it runs on the
     * bounded elastic scheduler, never on an event loop.
     *
     * @param what what is being opened, for the debug log of each failed attempt
     */
    public static <T> Mono<T> open(String what, Callable<T> connect) {
        return Mono.fromCallable(connect)
                .subscribeOn(Schedulers.boundedElastic())
                .doOnError(error -> log.debug("{} not open yet: {}", what, error.toString()))
                .retryWhen(everySecond());
    }
}
