package dev.tokengate.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Reports whether token lookups can reach Redis, by a PING over the lookups' own connection, with where Redis is, how
 * long the ping took and the last failure's cause ({@link RedisStatus#details()}). Spring Boot shows the details to
 * admins only. It replaces Spring Boot's Redis indicator, which asks the connection factory for a connection and so
 * may connect, blocking the event loop, while Redis is down.
 */
public class RedisHealthIndicator implements ReactiveHealthIndicator {

    private final RedisWatch watch;
    private final RedisStatus status;

    public RedisHealthIndicator(RedisWatch watch, RedisStatus status) {
        this.watch = watch;
        this.status = status;
    }

    @Override
    public Mono<Health> health() {
        return watch.ping()
                .map(answered -> (answered ? Health.up() : Health.down())
                        .withDetails(status.details())
                        .build());
    }
}
