package dev.tokengate.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Prints where a blocking call happened before BlockHound fails it, and allows the short locks that Netty, Lettuce and Spring Boot take internally. Libraries sometimes catch the error and log only
 * its message (Spring Cloud Gateway's route loading does), which would leave no trace of the culprit.
 */
public class BlockingCallTracer implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // Netty 4.2's buffer pool briefly takes a magazine's lock when it adds magazines under contention; Netty's own
        // BlockHound integration allows its other allocator locks but not this one yet.
        builder.allowBlockingCallsInside(
                "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        // Lettuce takes a lock around the increment of its writer count on every command it writes; a thread parks on
        // it only while another thread holds it for that increment or while the connection is being reset. Thrown
        // from there, BlockHound's error leaves Lettuce's connection broken for good, which production never sees.
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        // Lettuce builds each new connection's command proxy under one JVM-wide lock, held only to look up or fill a
        // small cache; a reconnect does this on an event loop (a Sentinel connection, from ConnectionWatchdog). Thrown
        // from inside the lock's acquire, BlockHound's error leaves a dead waiter at the head of its queue, and every
        // later connection in the JVM waits forever (two clean-clone runs hung or timed out that way).
        builder.allowBlockingCallsInside("io.lettuce.core.internal.AbstractInvocationHandler$MethodTranslator", "of");
        // Spring Boot's Prometheus exemplars look up the tracer once, lazily, under a SingletonSupplier's lock: a
        // thread parks there only when two meters record their first sample at the same moment (seen when Redis
        // refused a user's AUTH on several connections at once).
        builder.allowBlockingCallsInside(
                "org.springframework.boot.micrometer.tracing.autoconfigure.prometheus"
                        + ".PrometheusExemplarsAutoConfiguration$LazyTracingSpanContext",
                "currentSpan");
        builder.blockingMethodCallback(method -> {
            new Exception("Blocking call on a non-blocking thread: " + method).printStackTrace(System.out);
            throw new BlockingOperationError(method);
        });
    }
}
