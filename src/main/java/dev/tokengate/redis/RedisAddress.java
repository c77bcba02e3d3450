package dev.tokengate.redis;

import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Where the gateway's Redis is, as an operator would name it in a log line or health.
 *
 * @param mode {@code standalone}, {@code sentinel} or {@code cluster}
 * @param address host:port; the Sentinel master and its sentinels; or the cluster's seed nodes
 * @param name how a log line names it: "Redis at host:port", "Redis master 'm' via sentinels ...", "Redis Cluster ..."
 */
public record RedisAddress(String mode, String address, String name) {

    public static RedisAddress of(LettuceConnectionFactory factory) {
        String tls = factory.isUseSsl() ? " (TLS)" : "";
        if (factory.isClusterAware() && factory.getClusterConfiguration() != null) {
            String seeds = nodes(factory.getClusterConfiguration().getClusterNodes()) + tls;
            return new RedisAddress("cluster", seeds, "Redis Cluster " + seeds);
        }
        if (factory.isRedisSentinelAware() && factory.getSentinelConfiguration() != null) {
            RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
            String master =
                    sentinel.getMaster() == null ? "?" : sentinel.getMaster().getName();
            String address = "master '" + master + "' via sentinels " + nodes(sentinel.getSentinels()) + tls;
            return new RedisAddress("sentinel", address, "Redis " + address);
        }
        String address = factory.getHostName() + ":" + factory.getPort() + tls;
        return new RedisAddress("standalone", address, "Redis at " + address);
    }

    private static String nodes(Iterable<RedisNode> nodes) {
        return StreamSupport.stream(nodes.spliterator(), false)
                .map(node -> node.getHost() + ":" + node.getPort())
                .collect(Collectors.joining(", "));
    }
}
