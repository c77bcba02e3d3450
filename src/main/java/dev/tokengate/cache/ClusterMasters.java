package dev.tokengate.cache;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The masters of a Redis Cluster, as Lettuce's view of the topology has them: handed on when the topology changes and
 * every second (the cluster may be unreachable at startup, and the topology seen during a failover may lack the
 * promoted replica, with no further change event once it is complete). Lettuce reports topology changes only with
 * its topology refresh on, which {@code RedisConfiguration} turns on for cluster clients.
 */
final class ClusterMasters {

    static final Duration RECONCILE_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(ClusterMasters.class);

    private final RedisClusterClient cluster;
    private final Consumer<List<RedisURI>> masters;
    private Disposable topologyChanges;
    private Disposable reconciliation;

    /** @param masters told the serving masters each time, off the event loop; an empty list if slots are uncovered */
    ClusterMasters(RedisClusterClient cluster, Consumer<List<RedisURI>> masters) {
        this.cluster = cluster;
        this.masters = masters;
    }

    void start() {
        topologyChanges = cluster.getResources()
                .eventBus()
                .get()
                .ofType(ClusterTopologyChangedEvent.class)
                .publishOn(Schedulers.boundedElastic())
                .subscribe(event -> reconcile());
        reconciliation = Flux.interval(Duration.ZERO, RECONCILE_INTERVAL)
                .onBackpressureDrop()
                .publishOn(Schedulers.boundedElastic())
                .subscribe(tick -> reconcile());
    }

    void stop() {
        topologyChanges.dispose();
        reconciliation.dispose();
    }

    private void reconcile() {
        List<RedisURI> serving;
        try {
            serving = serving();
        } catch (RuntimeException notConnectedYet) {
            log.debug("Cluster topology not known yet: {}", notConnectedYet.toString());
            return;
        }
        if (serving.isEmpty()) {
            cluster.refreshPartitionsAsync();
        }
        masters.accept(serving);
    }

    /**
     * The masters that serve slots, or none while they do not cover every slot: during a failover the failed master
     * has dropped out and its replica is not promoted yet, and tracking only the others would leave its keys
     * unannounced.
     */
    private List<RedisURI> serving() {
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
}
