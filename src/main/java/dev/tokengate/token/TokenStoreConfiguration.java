package dev.tokengate.token;

import dev.tokengate.auth.AuthProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

@Configuration(proxyBeanMethods = false)
class TokenStoreConfiguration {

    /** Ceiling of Lettuce's reconnect backoff (its default is 30 s): tokens validate again soon after Redis returns. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    static final Duration CLUSTER_ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);
    static final Duration CLUSTER_PERIODIC_REFRESH = Duration.ofSeconds(10);

    @Bean
    SharedRedisConnection sharedRedisConnection(ReactiveRedisConnectionFactory connectionFactory) {
        return new SharedRedisConnection(connectionFactory);
    }

    @Bean
    RedisTokenStore redisTokenStore(
            SharedRedisConnection connection, AuthProperties properties, MeterRegistry meterRegistry) {
        return new RedisTokenStore(
                connection,
                properties.keyPrefix(),
                properties.tokenHashing(),
                properties.redisTimeout(),
                meterRegistry);
    }

    /** Named so that it takes the place of Spring Boot's own Redis health indicator. */
    @Bean
    RedisHealthIndicator redisHealthIndicator(SharedRedisConnection connection, AuthProperties properties) {
        return new RedisHealthIndicator(connection, properties.redisTimeout());
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

    /** Every command this gateway sends is a token lookup or a health check: both are bounded by redis-timeout. */
    @Bean
    LettuceClientConfigurationBuilderCustomizer commandTimeoutFromRedisTimeout(AuthProperties properties) {
        return builder -> builder.commandTimeout(properties.redisTimeout());
    }

    @Bean
    ClientResourcesBuilderCustomizer fastReconnect() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS));
    }
}
