package dev.tokengate.route;

import dev.tokengate.token.SharedRedisConnection;
import java.nio.ByteBuffer;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRepository;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes added at runtime, kept in Redis as JSON under {@code routedefinition_<id>}: the keys and format of Spring
 * Cloud Gateway's own {@code RedisRouteDefinitionRepository}, so either can read what the other wrote. Unlike it, this
 * one uses the shared lookup connection and turns JSON into definitions off the event loop: Jackson takes a lock each
 * time it reads a {@code RouteDefinition}, and two instances refreshing at once would wait on it.
 */
public class RedisRouteDefinitions implements RouteDefinitionRepository {

    public static final String KEY_PREFIX = "routedefinition_";

    private final SharedRedisConnection redis;
    private final JsonMapper jsonMapper;

    public RedisRouteDefinitions(SharedRedisConnection redis, JsonMapper jsonMapper) {
        this.redis = redis;
        this.jsonMapper = jsonMapper;
    }

    @Override
    public Flux<RouteDefinition> getRouteDefinitions() {
        return redis.connection()
                .flatMapMany(connection -> connection
                        .keyCommands()
                        .scan(ScanOptions.scanOptions().match(KEY_PREFIX + "*").build())
                        .concatMap(key -> connection.stringCommands().get(key))
                        .publishOn(Schedulers.boundedElastic())
                        .map(json -> jsonMapper.readValue(ByteUtils.getBytes(json), RouteDefinition.class)));
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

    private static ByteBuffer key(String id) {
        return ByteUtils.getByteBuffer(KEY_PREFIX + id);
    }

    private record Stored(ByteBuffer key, byte[] json) {}
}
