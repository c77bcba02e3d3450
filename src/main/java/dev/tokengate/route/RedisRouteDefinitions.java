package dev.tokengate.route;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRepository;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.context.ApplicationListener;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes added at runtime, kept in Redis as JSON under {@code routedefinition_<id>} ({@link RedisKeys#route}): the keys and format of Spring
 * Cloud Gateway's own {@code RedisRouteDefinitionRepository}, so either can read what the other wrote. Unlike it, this
 * one uses the shared lookup connection, and never stores or loads a route that would fail to load.
 */
public class RedisRouteDefinitions implements RouteDefinitionRepository, ApplicationListener<RefreshRoutesResultEvent> {

    private static final Logger log = LoggerFactory.getLogger(RedisRouteDefinitions.class);

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final JsonMapper jsonMapper;
    private final RouteDefinitionCheck check;
    private final AtomicReference<List<RouteDefinition>> lastRead = new AtomicReference<>(List.of());
    /** What the last read from Redis skipped, one line per route; see {@link #skipped()}. */
    private volatile List<String> skipped = List.of();
    /** Whether the last call of {@link #getRouteDefinitions()} read Redis, rather than keeping the routes before. */
    private volatile boolean lastReadFromRedis;
    /** Whether routes read from Redis have been in service at least once; never false again once true. */
    private volatile boolean read;
    /** Completes when the route cache has taken the first routes, read from Redis or not. */
    private final Sinks.Empty<Void> firstRefresh = Sinks.empty();

    public RedisRouteDefinitions(
            SharedRedisConnection redis, RedisKeys keys, JsonMapper jsonMapper, RouteDefinitionCheck check) {
        this.redis = redis;
        this.check = check;
        this.keys = keys;
        this.jsonMapper = jsonMapper;
    }

    /**
     * The runtime routes. While Redis cannot be read (down at startup, or gone since) the routes read last time stay
     * in place, so that a refresh during an outage does not take routes away; the gateway reads them again once it
     * is subscribed to route changes (see {@link RouteChangeBroadcaster}). An entry that would not load (not a route
     * definition, or one {@link RouteDefinitionCheck} finds a problem with) is skipped with a warning rather than
     * failing every route.
     */
    @Override
    public Flux<RouteDefinition> getRouteDefinitions() {
        return read().map(entries -> {
                    List<RouteDefinition> routes = new ArrayList<>();
                    List<String> problems = new ArrayList<>();
                    for (Entry entry : entries) {
                        if (entry.problems().isEmpty()) {
                            routes.add(entry.route());
                        } else {
                            problems.add(entry.describeProblems());
                            log.warn("Skipping runtime route {}", entry.describeProblems());
                        }
                    }
                    skipped = List.copyOf(problems);
                    return routes;
                })
                .doOnNext(routes -> {
                    lastRead.set(routes);
                    lastReadFromRedis = true;
                })
                .onErrorResume(error -> {
                    lastReadFromRedis = false;
                    log.warn(
                            "Could not read runtime routes from Redis ({}); keeping the {} read before",
                            error.toString(),
                            lastRead.get().size());
                    return Mono.just(lastRead.get());
                })
                .flatMapIterable(Function.identity());
    }

    /**
     * Published by the route cache once it took the routes of a refresh, whose read of Redis was the last one: from
     * the first refresh that read Redis on, the routes in service include the stored ones.
     */
    @Override
    public void onApplicationEvent(RefreshRoutesResultEvent event) {
        if (event.isSuccess() && lastReadFromRedis && !read) {
            read = true;
            log.info(
                    "Runtime routes read from Redis: {} in service",
                    lastRead.get().size());
        }
        firstRefresh.tryEmitEmpty();
    }

    /**
     * Completes once the first routes are in the route cache, whether Redis could be read or not: the routes are
     * loaded just after start-up, so a request arriving before then waits for them rather than being refused.
     */
    public Mono<Void> firstRefresh() {
        return firstRefresh.asMono();
    }

    /**
     * Whether the routes stored in Redis have been read and put in service at least once. Until then only the YAML
     * routes could be served, and a stored route that narrows one of them (a token-required path inside a public
     * route) would be missing: {@link RoutesNotReadFilter} answers 503 instead.
     */
    public boolean isRead() {
        return read;
    }

    /** The number of stored routes in service, as of the last read. */
    public int inService() {
        return lastRead.get().size();
    }

    /** The stored routes the last read skipped, each with its id, its Redis key and what keeps it from loading. */
    public List<String> skipped() {
        return skipped;
    }

    /**
     * What would keep the stored routes from loading, one line per problem; an error when Redis cannot be read. The
     * route endpoint asks before a refresh, so that a refresh either loads every stored route or changes nothing.
     */
    public Mono<List<String>> problems() {
        return read().map(entries -> entries.stream()
                .filter(entry -> !entry.problems().isEmpty())
                .map(Entry::describeProblems)
                .toList());
    }

    // JSON becomes definitions, and definitions are checked, off the event loop: Jackson takes a lock each time it
    // reads a RouteDefinition, and a check builds predicates and filters.
    private Mono<List<Entry>> read() {
        return redis.connection()
                .flatMapMany(connection -> connection
                        .keyCommands()
                        .scan(ScanOptions.scanOptions()
                                .match(keys.routePattern())
                                .build())
                        .concatMap(key -> connection
                                .stringCommands()
                                .get(key.duplicate())
                                .map(json -> Map.entry(ByteUtils.getBytes(key), ByteUtils.getBytes(json)))))
                .publishOn(Schedulers.boundedElastic())
                .map(stored -> entry(new String(stored.getKey(), StandardCharsets.UTF_8), stored.getValue()))
                .collectList();
    }

    private Entry entry(String key, byte[] json) {
        try {
            RouteDefinition route = jsonMapper.readValue(json, RouteDefinition.class);
            if (route.getId() == null) {
                // written by hand: the route endpoint always stores the id
                route.setId(keys.routeId(key));
            }
            return new Entry(key, route, check.problems(route));
        } catch (JacksonException e) {
            return new Entry(key, null, List.of("not a route definition: " + e.getOriginalMessage()));
        }
    }

    /**
     * Refuses a route that would not load, naming what is wrong: once stored, it would be skipped on every instance.
     */
    @Override
    public Mono<Void> save(Mono<RouteDefinition> route) {
        return route.publishOn(Schedulers.boundedElastic())
                .map(definition -> {
                    List<String> problems = check.problems(definition);
                    if (!problems.isEmpty()) {
                        throw new InvalidRouteException(definition.getId(), problems);
                    }
                    return new Stored(key(definition.getId()), jsonMapper.writeValueAsBytes(definition));
                })
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

    /** A stored entry: a route, or (when it has problems) what keeps it from loading. */
    private record Entry(String key, RouteDefinition route, List<String> problems) {

        String describeProblems() {
            String id = route == null ? "" : "'" + route.getId() + "' ";
            return id + "(Redis key " + key + "): " + String.join("; ", problems);
        }
    }
}
