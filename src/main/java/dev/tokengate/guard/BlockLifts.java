package dev.tokengate.guard;

import dev.tokengate.redis.RedisChannels;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisListener;
import dev.tokengate.redis.SharedRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Lifts a brute-force block on every instance at once. The address's counter is deleted in Redis and the address is
 * announced on a channel ({@link RedisKeys#blocksLiftedChannel()}); every instance forgets its memory of the block when
 * it hears it. Deleting the counter alone would not do: instances answer a blocked address from memory, without Redis.
 */
public class BlockLifts extends RedisListener {

    private static final Logger log = LoggerFactory.getLogger(BlockLifts.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final FailedAttemptGuard guard;

    public BlockLifts(SharedRedisConnection redis, RedisKeys keys, FailedAttemptGuard guard) {
        this.redis = redis;
        this.keys = keys;
        this.guard = guard;
    }

    /**
     * Deletes the counter of the address's group (an IPv6 address lifts its whole prefix) and tells every instance;
     * completes once Redis has done both.
     */
    public Mono<Void> lift(String address) {
        return redis.connection()
                .flatMap(connection -> connection
                        .keyCommands()
                        .del(ByteUtils.getByteBuffer(keys.failedAttempts(guard.groupOf(address))))
                        .then(connection
                                .pubSubCommands()
                                .publish(
                                        ByteUtils.getByteBuffer(keys.blocksLiftedChannel()),
                                        ByteUtils.getByteBuffer(address))))
                .then();
    }

    @Override
    protected Disposable listen() {
        return RedisChannels.messages(redis, keys.blocksLiftedChannel(), () -> {})
                .subscribe(address -> {
                    guard.forget(address);
                    log.info("Brute-force block on {} lifted", address);
                });
    }
}
