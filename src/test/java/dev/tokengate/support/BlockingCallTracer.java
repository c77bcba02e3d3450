package dev.tokengate.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Prints where a blocking call happened before BlockHound fails it. Libraries sometimes catch the error and log only
 * its message (Spring Cloud Gateway's route loading does), which would leave no trace of the culprit.
 */
public class BlockingCallTracer implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.blockingMethodCallback(method -> {
            new Exception("Blocking call on a non-blocking thread: " + method).printStackTrace(System.out);
            throw new BlockingOperationError(method);
        });
    }
}
