package dev.tokengate.support;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The integration tests only prove the request path is non-blocking if BlockHound is really watching: this fails if
 * {@link BlockHoundInstaller} stops installing it.
 */
class BlockHoundInstalledTest {

    @Test
    void blockingCallOnANonBlockingThreadIsReported() {
        Mono<String> blocking = Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                })
                .subscribeOn(Schedulers.parallel());

        StepVerifier.create(blocking)
                .expectErrorMatches(error -> error instanceof BlockingOperationError)
                .verify(Duration.ofSeconds(5));
    }
}
