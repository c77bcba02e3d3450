package dev.tokengate.redis;

import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Listening on a Redis pub/sub channel over the shared connection, for as long as the gateway runs. */
public final class RedisChannels {

    private RedisChannels() {}

    /**
     * The channel's messages. Subscribes again every second while Redis is away (Lettuce restores a subscription after
     * a reconnect by itself), and runs {@code onSubscribed} each time the subscription is in place, so that a caller
     * can catch up on what it may have missed before.
     */
    public static Flux<String> messages(SharedRedisConnection redis, String channel, Runnable onSubscribed) {
        return redis.connection()
                .flatMapMany(connection -> connection.pubSubCommands().createSubscription())
                .flatMap(subscription -> subscription
                        .subscribe(ByteUtils.getByteBuffer(channel))
                        .then(Mono.fromRunnable(onSubscribed))
                        .thenMany(subscription.receive()))
                .retryWhen(RetryForever.everySecond())
                .map(message ->
                        StandardCharsets.UTF_8.decode(message.getMessage()).toString());
    }
}
