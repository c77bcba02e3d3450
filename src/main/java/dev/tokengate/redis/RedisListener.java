package dev.tokengate.redis;

import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

/**
 * A part that listens to Redis (a channel, connection events, a probe) from just after the shared connection opens
 * until just before it closes: {@link #listen()} on start, all it returned disposed on stop.
 */
public abstract class RedisListener implements SmartLifecycle {

    private volatile Disposable listening;

    /** Subscribes to what this part listens to ({@code Disposables.composite} for several); disposed on stop. */
    protected abstract Disposable listen();

    @Override
    public void start() {
        listening = listen();
    }

    @Override
    public void stop() {
        Disposable current = listening;
        listening = null;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }

    @Override
    public int getPhase() {
        return SharedRedisConnection.PHASE + 1;
    }
}
