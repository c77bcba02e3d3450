package dev.tokengate.redis;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import reactor.core.publisher.Mono;

/**
 * Reports whether token lookups can reach Redis, by a PING over the lookups' own connection. It replaces Spring
 * Boot's Redis indicator, which asks the connection factory for a connection and so may connect, blocking the
 * event loop, while Redis is down.
 */
public class RedisHealthIndicator implements ReactiveHealthIndicator {

    private final SharedRedisConnection redis;
    private final Duration timeout;

    public RedisHealthIndicator(SharedRedisConnection redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    @Override
    public Mono<Health> health() {
        return redis.connection()
                .flatMap(ReactiveRedisConnection::ping)
                .timeout(timeout)
                .map(pong -> Health.up().build())
                .onErrorResume(error -> Mono.just(Health.down()
                        .withDetail(
                                "error",
                                NestedExceptionUtils.getMostSpecificCause(error).toString())
                        .build()));
    }
}
