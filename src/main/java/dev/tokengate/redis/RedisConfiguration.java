package dev.tokengate.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The Redis connection every part of the gateway shares, how Lettuce behaves on it, and what health reports of it. */
@Configuration(proxyBeanMethods = false)
class RedisConfiguration {

    /** Ceiling of Lettuce's reconnect backoff (its default is 30 s): tokens validate again soon after Redis returns. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    static final Duration CLUSTER_ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);
    static final Duration CLUSTER_PERIODIC_REFRESH = Duration.ofSeconds(10);

    @Bean
    RedisStatus redisStatus(LettuceConnectionFactory connectionFactory) {
        return new RedisStatus(RedisAddress.of(connectionFactory));
    }

    @Bean
    SharedRedisConnection sharedRedisConnection(LettuceConnectionFactory connectionFactory, RedisStatus status) {
        return new SharedRedisConnection(connectionFactory, status);
    }

    @Bean
    RedisWatch redisWatch(
            SharedRedisConnection connection,
            RedisStatus status,
            ClientResources redisResources,
            RedisUseProperties properties) {
        return new RedisWatch(connection, status, redisResources.eventBus(), properties.redisTimeout());
    }

    @Bean
    ShutdownNoiseSilencer shutdownNoiseSilencer(LoggingSystem logging) {
        return new ShutdownNoiseSilencer(logging);
    }

    @Bean
    RedisKeys redisKeys(RedisUseProperties properties) {
        return new RedisKeys(properties.keyPrefix());
    }

    /** Named so that it takes the place of Spring Boot's own Redis health indicator. */
    @Bean
    RedisHealthIndicator redisHealthIndicator(RedisWatch watch, RedisStatus status) {
        return new RedisHealthIndicator(watch, status);
    }

    /**
     * Lettuce queues commands while disconnected until they time out; a gateway must answer 503 at once instead, so
     * that no request waits on a Redis that is gone.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    /**
     * On Redis Cluster, Lettuce keeps its first view of the topology unless told to refresh it: after a failover it
     * would keep calling the dead master and every lookup for its slots would fail. Refresh on the signs of a change
     * (redirects, persistent reconnects, an uncovered slot) at most once a second, and every 10 s regardless.
     */
    @Bean
    LettuceClientOptionsBuilderCustomizer followClusterTopologyChanges() {
        return options -> {
            if (options instanceof ClusterClientOptions.Builder cluster) {
                cluster.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(CLUSTER_ADAPTIVE_REFRESH_LIMIT)
                        .enablePeriodicRefresh(CLUSTER_PERIODIC_REFRESH)
                        .build());
            }
        };
    }

    /**
     * Every command on the shared connection is bounded by redis-timeout: token lookups, the guard's counting, health
     * checks, the admin API and runtime routes. No request should wait longer on a Redis that does not answer.
     */
    @Bean
    LettuceClientConfigurationBuilderCustomizer commandTimeoutFromRedisTimeout(RedisUseProperties properties) {
        return builder -> builder.commandTimeout(properties.redisTimeout());
    }

    @Bean
    ClientResourcesBuilderCustomizer fastReconnect() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS));
    }
}
