package dev.tokengate.cache;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Decides whether the near cache may be trusted, and is the only one that does: it is trusted while every node that
 * holds token keys has confirmed that it announces their changes, through one {@link TrackingConnection} per node.
 * That is one connection on standalone Redis and Sentinel, and one per master on Redis Cluster (each master announces
 * only its own keys), replaced whenever the masters change.
 *
 * <p>When trust ends (a connection dropped or missed a heartbeat, the masters changed), every cached answer is dropped
 * at once and lookups go to Redis: invalidations may have been missed. When it starts again the cache starts empty.
 * Invalidations are applied whenever they arrive. The cache's epoch ({@link TokenCache#invalidateAll()}) keeps a lookup
 * that was in flight across either change from being stored.
 */
public class InvalidationTracker implements SmartLifecycle, TrackingConnection.Listener {

    /** Started with the shared lookup connection, before the web server. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

    private static final Logger log = LoggerFactory.getLogger(InvalidationTracker.class);

    private final LettuceConnectionFactory connectionFactory;
    private final String keyPrefix;
    private final Duration timeout;
    private final TokenCache cache;
    private final CacheMetrics metrics;
    private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();

    /** The connections by node address, and those of them that confirmed tracking; guarded by {@code this}. */
    private final Map<String, TrackingConnection> connections = new LinkedHashMap<>();

    private final Set<TrackingConnection> confirmed = new HashSet<>();
    private boolean running;
    private boolean refusalLogged;
    private String offReason = "tracking not confirmed yet";
    private ClusterMasters clusterMasters;

    /** Written under {@code this}, read by every request. */
    private volatile boolean trusted;

    InvalidationTracker(
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
        metrics.reportTracking(this);
    }

    /** Tells {@code listener} every invalidation from now on. */
    public void addListener(InvalidationListener listener) {
        listeners.add(listener);
    }

    /** Whether Redis is confirmed to announce every change of a token key, so that cached answers may be served. */
    public boolean isTracking() {
        return trusted;
    }

    /** For health: whether the cache is trusted, how many nodes confirmed tracking, and why not when it is not. */
    synchronized Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tracking", trusted);
        details.put("nodesTracking", confirmed.size() + " of " + connections.size());
        if (!trusted) {
            details.put("reason", offReason);
        }
        return details;
    }

    @Override
    public void start() {
        AbstractRedisClient client = connectionFactory.getRequiredNativeClient();
        synchronized (this) {
            running = true;
            if (client instanceof RedisClient standaloneOrSentinel) {
                track(Map.of("redis", connection(standaloneOrSentinel, false)));
                return;
            }
        }
        clusterMasters = new ClusterMasters((RedisClusterClient) client, this::trackMasters);
        clusterMasters.start();
    }

    /** Replaces the connections when the masters differ from those tracked. */
    private synchronized void trackMasters(List<RedisURI> masters) {
        Map<String, RedisURI> byAddress = masters.stream()
                .collect(Collectors.toMap(
                        uri -> uri.getHost() + ":" + uri.getPort(),
                        Function.identity(),
                        (a, b) -> a,
                        LinkedHashMap::new));
        if (!running || byAddress.keySet().equals(connections.keySet())) {
            return;
        }
        Map<String, TrackingConnection> next = new LinkedHashMap<>();
        byAddress.forEach((address, uri) -> next.put(address, connection(masterClient(uri), true)));
        endTrust("the cluster's masters changed");
        if (next.isEmpty()) {
            log.warn("Near cache off: the cluster's masters do not cover every slot; waiting for the next topology");
        } else {
            log.info("Near cache: tracking the cluster's masters {}", next.keySet());
        }
        track(next);
    }

    private RedisClient masterClient(RedisURI master) {
        RedisURI uri = RedisURI.builder(master).withTimeout(timeout).build();
        return RedisClient.create(connectionFactory.getClientResources(), uri);
    }

    private TrackingConnection connection(RedisClient client, boolean ownsClient) {
        return new TrackingConnection(client, ownsClient, keyPrefix, timeout, this);
    }

    // Starting a connection only schedules its connect: it reports back later, on another thread.
    private void track(Map<String, TrackingConnection> next) {
        closeConnections();
        connections.putAll(next);
        next.values().forEach(TrackingConnection::start);
    }

    private void closeConnections() {
        connections.values().forEach(TrackingConnection::close);
        connections.clear();
        confirmed.clear();
    }

    @Override
    public void trackingOn(TrackingConnection connection) {
        synchronized (this) {
            if (!connections.containsValue(connection)) {
                return;
            }
            confirmed.add(connection);
            if (trusted || confirmed.size() < connections.size()) {
                return;
            }
            cache.invalidateAll();
            trusted = true;
        }
        log.info("Near cache on: Redis tracks keys under '{}' for this gateway", keyPrefix);
        // whatever changed while tracking was off went unannounced
        listeners.forEach(InvalidationListener::invalidatedAll);
    }

    @Override
    public void trackingOff(TrackingConnection connection, String reason) {
        synchronized (this) {
            if (!connections.containsValue(connection)) {
                return;
            }
            confirmed.remove(connection);
            endTrust(reason);
        }
    }

    @Override
    public void trackingRefused(TrackingConnection connection, String reason) {
        synchronized (this) {
            if (!connections.containsValue(connection)) {
                return;
            }
            confirmed.remove(connection);
            endTrust(reason);
            if (refusalLogged) {
                return;
            }
            refusalLogged = true;
        }
        log.warn("Near cache disabled, every token lookup goes to Redis: {}", reason);
    }

    /** Called holding {@code this}: the cache is dropped, and counted as dropped, once however many nodes report. */
    private void endTrust(String reason) {
        offReason = reason;
        if (!trusted) {
            return;
        }
        trusted = false;
        cache.invalidateAll();
        metrics.flushed();
        log.warn("Near cache off until tracking is confirmed again, lookups go to Redis: {}", reason);
    }

    @Override
    public void invalidated(List<Object> keys) {
        if (keys == null) {
            cache.invalidateAll();
            metrics.flushed();
            listeners.forEach(InvalidationListener::invalidatedAll);
            return;
        }
        for (Object key : keys) {
            String redisKey = String.valueOf(key);
            metrics.invalidated(cache.invalidate(redisKey));
            listeners.forEach(listener -> listener.invalidated(redisKey));
        }
    }

    @Override
    public void stop() {
        ClusterMasters masters;
        synchronized (this) {
            running = false;
            trusted = false;
            closeConnections();
            masters = clusterMasters;
        }
        if (masters != null) {
            masters.stop();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
