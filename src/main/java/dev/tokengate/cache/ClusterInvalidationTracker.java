package dev.tokengate.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The near cache on Redis Cluster. Each master announces changes only of its own keys, so this runs one {@link
 * InvalidationTracker} per master, each on a connection of its own to that node, and trusts the cache only while
 * every one of them is tracking. When the topology changes (a failover, slots moved, a node added), the trackers are
 * replaced by ones for the new masters and the cache is dropped before it serves again. Lettuce reports topology
 * changes only with its topology refresh on, which {@code TokenStoreConfiguration} turns on for cluster clients.
 */
public class ClusterInvalidationTracker implements NearCacheTracking, SmartLifecycle {

    static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ClusterInvalidationTracker.class);

    private final LettuceConnectionFactory connectionFactory;
    private final String keyPrefix;
    private final Duration timeout;
    private final TokenCache cache;
    private final CacheMetrics metrics;

    /** Guarded by {@code this}. */
    private final List<NodeTracker> nodes = new ArrayList<>();

    private volatile boolean tracking;
    private volatile boolean running;
    private Disposable topologyChanges;
    private Disposable reconciliation;

    private record NodeTracker(String address, RedisClient client, InvalidationTracker tracker) {}

    public ClusterInvalidationTracker(
            LettuceConnectionFactory connectionFactory,
            String keyPrefix,
            Duration timeout,
            TokenCache cache,
            CacheMetrics metrics) {
        this.connectionFactory = connectionFactory;
        this.keyPrefix = keyPrefix;
        this.timeout = timeout;
        this.cache = cache;
        this.metrics = metrics;
    }

    @Override
    public boolean isTracking() {
        return tracking;
    }

    @Override
    public void start() {
        running = true;
        RedisClusterClient cluster = (RedisClusterClient) connectionFactory.getRequiredNativeClient();
        topologyChanges = cluster.getResources()
                .eventBus()
                .get()
                .ofType(ClusterTopologyChangedEvent.class)
                .publishOn(Schedulers.boundedElastic())
                .subscribe(event -> reconcile(cluster));
        // Also on a timer: the cluster may be unreachable at startup, and the topology seen during a failover may
        // lack the promoted replica, with no further change event once it is complete.
        reconciliation = Flux.interval(Duration.ZERO, RECONCILE_INTERVAL)
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic())
                .subscribe(tick -> reconcile(cluster));
    }

    private void reconcile(RedisClusterClient cluster) {
        List<RedisURI> masters;
        try {
            masters = masters(cluster);
        } catch (RuntimeException notConnectedYet) {
            log.debug("Cluster topology not known yet: {}", notConnectedYet.toString());
            return;
        }
        if (masters.isEmpty()) {
            cluster.refreshPartitionsAsync();
        }
        track(masters);
    }

    /**
     * The masters that serve slots, or none while they do not cover every slot: during a failover the failed master
     * has dropped out and its replica is not promoted yet, and tracking only the others would leave its keys
     * unannounced.
     */
    private static List<RedisURI> masters(RedisClusterClient cluster) {
        List<RedisClusterNode> serving = cluster.getPartitions().stream()
                .filter(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL))
                .filter(node -> !node.getSlots().isEmpty())
                .toList();
        int covered = serving.stream().mapToInt(node -> node.getSlots().size()).sum();
        if (covered < SlotHash.SLOT_COUNT) {
            return List.of();
        }
        return serving.stream().map(RedisClusterNode::getUri).toList();
    }

    /** Replaces the trackers when the set of masters differs from the one tracked. */
    private synchronized void track(List<RedisURI> masters) {
        if (!running) {
            return;
        }
        Set<String> wanted =
                masters.stream().map(ClusterInvalidationTracker::address).collect(Collectors.toSet());
        Set<String> current = nodes.stream().map(NodeTracker::address).collect(Collectors.toSet());
        if (wanted.equals(current)) {
            return;
        }
        stopNodes();
        tracking = false;
        cache.invalidateAll();
        metrics.trackingChanged(false);
        if (masters.isEmpty()) {
            log.warn("Near cache off: the cluster's masters do not cover every slot; waiting for the next topology");
            return;
        }
        log.info("Near cache: tracking the cluster's masters {}", wanted);
        for (RedisURI master : masters) {
            RedisURI uri = RedisURI.builder(master).withTimeout(timeout).build();
            RedisClient client = RedisClient.create(connectionFactory.getClientResources(), uri);
            InvalidationTracker tracker =
                    new InvalidationTracker(() -> client, keyPrefix, timeout, cache, metrics, this::nodeChanged);
            nodes.add(new NodeTracker(address(master), client, tracker));
        }
        nodes.forEach(node -> node.tracker().start());
    }

    private synchronized void nodeChanged() {
        boolean all = !nodes.isEmpty()
                && nodes.stream().allMatch(node -> node.tracker().isTracking());
        if (all != tracking) {
            tracking = all;
            metrics.trackingChanged(all);
        }
    }

    private static String address(RedisURI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }

    private void stopNodes() {
        for (NodeTracker node : nodes) {
            node.tracker().stop();
            node.client().shutdownAsync();
        }
        nodes.clear();
    }

    @Override
    public void stop() {
        running = false;
        if (topologyChanges != null) {
            topologyChanges.dispose();
        }
        if (reconciliation != null) {
            reconciliation.dispose();
        }
        synchronized (this) {
            tracking = false;
            stopNodes();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return InvalidationTracker.PHASE;
    }
}
