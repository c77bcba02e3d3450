package dev.tokengate.route;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRepository;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes added at runtime, kept in Redis as JSON under {@code routedefinition_<id>} ({@link RedisKeys#route}): the keys and format of Spring
 * Cloud Gateway's own {@code RedisRouteDefinitionRepository}, so either can read what the other wrote. Unlike it, this
 * one uses the shared lookup connection and turns JSON into definitions off the event loop: Jackson takes a lock each
 * time it reads a {@code RouteDefinition}, and two instances refreshing at once would wait on it.
 */
public class RedisRouteDefinitions implements RouteDefinitionRepository {

    private static final Logger log = LoggerFactory.getLogger(RedisRouteDefinitions.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final JsonMapper jsonMapper;
    private final AtomicReference<List<RouteDefinition>> lastRead = new AtomicReference<>(List.of());

    public RedisRouteDefinitions(SharedRedisConnection redis, RedisKeys keys, JsonMapper jsonMapper) {
        this.redis = redis;
        this.keys = keys;
        this.jsonMapper = jsonMapper;
    }

    /**
     * The runtime routes. While Redis cannot be read (down at startup, or gone since) the routes read last time stay
     * in place, so that a refresh during an outage does not take routes away; the gateway reads them again once it
     * is subscribed to route changes (see {@link RouteChangeBroadcaster}). An entry that is not a route definition is
     * skipped with a warning rather than failing every route.
     */
    @Override
    public Flux<RouteDefinition> getRouteDefinitions() {
        return redis.connection()
                .flatMapMany(connection -> connection
                        .keyCommands()
                        .scan(ScanOptions.scanOptions()
                                .match(keys.routePattern())
                                .build())
                        .concatMap(key -> connection.stringCommands().get(key)))
                .publishOn(Schedulers.boundedElastic())
                .<RouteDefinition>handle((json, sink) -> {
                    try {
                        sink.next(jsonMapper.readValue(ByteUtils.getBytes(json), RouteDefinition.class));
                    } catch (JacksonException e) {
                        log.warn("Skipping a runtime route that is not a route definition: {}", e.getOriginalMessage());
                    }
                })
                .collectList()
                .doOnNext(lastRead::set)
                .onErrorResume(error -> {
                    log.warn(
                            "Could not read runtime routes from Redis ({}); keeping the {} read before",
                            error.toString(),
                            lastRead.get().size());
                    return Mono.just(lastRead.get());
                })
                .flatMapIterable(Function.identity());
    }

    @Override
    public Mono<Void> save(Mono<RouteDefinition> route) {
        return route.publishOn(Schedulers.boundedElastic())
                .map(definition -> new Stored(key(definition.getId()), jsonMapper.writeValueAsBytes(definition)))
                .flatMap(stored -> redis.connection()
                        .flatMap(connection ->
                                connection.stringCommands().set(stored.key(), ByteBuffer.wrap(stored.json()))))
                .then();
    }

    @Override
    public Mono<Void> delete(Mono<String> routeId) {
        return routeId.flatMap(id -> redis.connection()
                .flatMap(connection -> connection.keyCommands().del(key(id)))
                .flatMap(deleted -> deleted > 0
                        ? Mono.<Void>empty()
                        : Mono.error(new NotFoundException("RouteDefinition not found: " + id))));
    }

    private ByteBuffer key(String id) {
        return ByteUtils.getByteBuffer(keys.route(id));
    }

    private record Stored(ByteBuffer key, byte[] json) {}
}
