package dev.tokengate.route;

import dev.tokengate.redis.RedisChannels;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.RedisListener;
import dev.tokengate.redis.SharedRedisConnection;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Makes a route change on one gateway reach all of them. Routes live in Redis (Spring Cloud Gateway's Redis route
 * definition repository); when one instance refreshes its routes, it says so on a Redis channel ({@link
 * RedisKeys#routesChannel()}), and every other instance refreshes too, reading the same definitions.
 */
public class RouteChangeBroadcaster extends RedisListener implements ApplicationListener<RefreshRoutesEvent> {

    private static final Logger log = LoggerFactory.getLogger(RouteChangeBroadcaster.class);

    /** The source of refreshes this broadcaster triggers itself, so that they are not announced again. */
    private static final Object FROM_ANOTHER_INSTANCE = new Object();

    /** Reconnects come in bursts (one per connection): one refresh once they have settled. */
    static final Duration RECONNECT_SETTLE_TIME = Duration.ofMillis(500);

    private final SharedRedisConnection redis;
    private final String channelName;
    private final ByteBuffer channel;
    private final ApplicationEventPublisher events;
    private final EventBus redisEvents;
    private final String instanceId =
            Long.toHexString(ThreadLocalRandom.current().nextLong());

    public RouteChangeBroadcaster(
            SharedRedisConnection redis, RedisKeys keys, ApplicationEventPublisher events, EventBus redisEvents) {
        this.redis = redis;
        this.channelName = keys.routesChannel();
        this.channel = ByteUtils.getByteBuffer(channelName);
        this.events = events;
        this.redisEvents = redisEvents;
    }

    @Override
    public void onApplicationEvent(RefreshRoutesEvent event) {
        if (event.getSource() == FROM_ANOTHER_INSTANCE) {
            return;
        }
        redis.connection()
                .flatMap(connection ->
                        connection.pubSubCommands().publish(channel.duplicate(), ByteUtils.getByteBuffer(instanceId)))
                .subscribe(
                        receivers -> log.debug("Route refresh announced to {} other gateways", receivers),
                        error ->
                                log.warn("Could not announce a route refresh to other gateways: {}", error.toString()));
    }

    @Override
    protected Disposable listen() {
        // Lettuce subscribes again by itself after a reconnect; this retry covers a Redis that was down at startup.
        // Once subscribed, routes are read again: a change announced before then would otherwise be missed.
        Disposable announcements =
                RedisChannels.messages(redis, channelName, this::refreshLocally).subscribe(this::refreshedElsewhere);
        // A change announced while this instance's subscription was down is lost: read the routes again once Redis
        // connections are back.
        Disposable reconnects = redisEvents
                .get()
                .ofType(ConnectionActivatedEvent.class)
                .sampleTimeout(event -> Mono.delay(RECONNECT_SETTLE_TIME))
                .subscribe(event -> refreshLocally());
        return Disposables.composite(announcements, reconnects);
    }

    private void refreshedElsewhere(String sender) {
        if (!instanceId.equals(sender)) {
            log.info("Routes changed on another gateway: refreshing");
            refreshLocally();
        }
    }

    // Route loading may wait on Redis: off the event loop that delivered the message.
    private void refreshLocally() {
        Schedulers.boundedElastic().schedule(() -> events.publishEvent(new RefreshRoutesEvent(FROM_ANOTHER_INSTANCE)));
    }
}
