package dev.tokengate.redis;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.SmartLifecycle;

/**
 * Once the gateway is stopping, silences Netty's report of a listener that cannot run on an event loop that has
 * stopped. While Redis is down, every connect attempt leaves Lettuce a handshake timeout ({@code
 * RedisHandshakeHandler}) that fires up to {@code spring.data.redis.connect-timeout} later and is cancelled only by a
 * handshake that succeeds; one that fires after Lettuce's event loops stopped makes Netty log a {@code
 * RejectedExecutionException} with its stack trace. At shutdown that is expected and says nothing; while the gateway
 * runs, the logger stays on, where the same report would mean a bug.
 */
class ShutdownNoiseSilencer implements SmartLifecycle {

    static final String REJECTED_LISTENER_LOGGER = "io.netty.util.concurrent.DefaultPromise.rejectedExecution";

    private final LoggingSystem logging;
    private volatile boolean running;

    ShutdownNoiseSilencer(LoggingSystem logging) {
        this.logging = logging;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        logging.setLogLevel(REJECTED_LISTENER_LOGGER, LogLevel.OFF);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first: before the server, the Redis connections and Lettuce's event loops. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
