package dev.tokengate.connection;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Without the near cache no invalidation arrives, so the open connections are checked on a timer instead: every
 * {@code recheck-interval}, one lookup per credential that holds some open, and those it no longer allows are closed.
 */
final class PeriodicRecheck implements SmartLifecycle {

    private final OpenConnections connections;
    private final Duration interval;
    private volatile Disposable timer;

    PeriodicRecheck(OpenConnections connections, Duration interval) {
        this.connections = connections;
        this.interval = interval;
    }

    @Override
    public void start() {
        timer = Flux.interval(interval, interval).subscribe(tick -> connections.invalidatedAll());
    }

    @Override
    public void stop() {
        Disposable running = timer;
        if (running != null) {
            running.dispose();
        }
        timer = null;
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
