package dev.tokengate.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;

/**
 * Whether Redis answers the gateway, and if not, why: the one owner of that state. Whoever meets a failure reports it
 * (a token lookup, a connect attempt, Lettuce's reconnects, a ping); it is logged once per change (Redis stops
 * answering, a connect attempt finds another cause, it answers again), never once per request. Health shows the
 * failure that was logged last.
 */
public class RedisStatus {

    private static final Logger log = LoggerFactory.getLogger(RedisStatus.class);

    private final RedisAddress address;
    private final AtomicReference<State> state = new AtomicReference<>(new State(null, Instant.now()));
    /** The last state with a failure, kept after Redis answers again: what health shows. */
    private volatile State lastDown;

    private volatile Duration lastPing;

    public RedisStatus(RedisAddress address) {
        this.address = address;
    }

    /** Whether the last thing heard from Redis was an answer. */
    public boolean isAnswering() {
        return state.get().failure() == null;
    }

    public void failed(Throwable error) {
        failed(error, address.name());
    }

    /** @param where the node that failed, when Lettuce names it ("Redis node 10.0.0.5:6379"); otherwise the address */
    public void failed(Throwable error, String where) {
        if (NestedExceptionUtils.getMostSpecificCause(error) instanceof SharedRedisConnection.NotOpenException) {
            return;
        }
        RedisFailure failure = RedisFailure.of(error);
        State previous = state.get();
        if (previous.failure() != null
                && (previous.failure().cause() == failure.cause()
                        || !failure.cause().isDiagnostic())) {
            return;
        }
        State down = new State(failure, Instant.now());
        if (state.compareAndSet(previous, down)) {
            lastDown = down;
            log.warn(
                    "{} does not answer: {}; requests that need a token get 503 until it does",
                    where,
                    failure.describe());
        }
    }

    public void answered(Duration latency) {
        lastPing = latency;
        connected();
    }

    /** A connection opened: Redis answered its handshake. */
    public void connected() {
        State previous = state.get();
        if (previous.failure() != null && state.compareAndSet(previous, new State(null, Instant.now()))) {
            log.info(
                    "{} answers again, after {} s without",
                    address.name(),
                    Duration.between(previous.since(), Instant.now()).toSeconds());
        }
    }

    /** What health shows to an admin: where Redis is, how it answered last, and the last failure. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mode", address.mode());
        details.put("address", address.address());
        Duration ping = lastPing;
        if (ping != null) {
            details.put("lastPingMillis", ping.toNanos() / 1_000_000.0);
        }
        State down = lastDown;
        if (down != null) {
            details.put(
                    "lastError",
                    Map.of(
                            "cause", down.failure().cause().name().toLowerCase(),
                            "description", down.failure().cause().description(),
                            "message", down.failure().message(),
                            "at", down.since().toString()));
        }
        return details;
    }

    /** @param failure null while Redis answers */
    private record State(RedisFailure failure, Instant since) {}
}
