package dev.tokengate.support;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.embedded.RedisServer;

/**
 * A Redis Cluster on loopback from the embedded-redis binary: three masters with one replica each, slots split
 * evenly, {@code cluster-node-timeout} of one second so a killed master's replica takes over quickly. Set up with
 * plain cluster commands (MEET, ADDSLOTS, REPLICATE). Stop it when done.
 */
public final class TestClusterRedis implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final int SLOTS = 16384;

    private final List<Integer> ports = new ArrayList<>();
    private final List<RedisServer> servers = new ArrayList<>();

    public TestClusterRedis() {
        try {
            Path dir = Files.createTempDirectory("tokengate-cluster");
            for (int i = 0; i < MASTERS * 2; i++) {
                int port = FreePort.forClusterNode();
                RedisServer server = RedisServer.newRedisServer()
                        .port(port)
                        .bind(TestRedis.HOST)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("dir " + dir)
                        .setting("cluster-enabled yes")
                        .setting("cluster-config-file nodes-" + port + ".conf")
                        .setting("cluster-node-timeout 1000")
                        .build();
                server.start();
                servers.add(server);
                ports.add(port);
            }
            form();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    private void form() {
        List<RedisClient> clients = new ArrayList<>();
        List<RedisCommands<String, String>> nodes = new ArrayList<>();
        try {
            for (int port : ports) {
                RedisClient client = RedisClient.create("redis://" + TestRedis.HOST + ":" + port);
                clients.add(client);
                StatefulRedisConnection<String, String> connection = client.connect();
                nodes.add(connection.sync());
            }
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(0).clusterMeet(TestRedis.HOST, ports.get(i));
            }
            for (int m = 0; m < MASTERS; m++) {
                int from = m * SLOTS / MASTERS;
                int to = (m + 1) * SLOTS / MASTERS;
                nodes.get(m).clusterAddSlots(IntStream.range(from, to).toArray());
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> nodes.stream()
                            .allMatch(node -> node.clusterNodes().lines().count() == ports.size()));
            for (int r = 0; r < MASTERS; r++) {
                String masterId = nodes.get(r).clusterMyId();
                nodes.get(MASTERS + r).clusterReplicate(masterId);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            nodes.stream().allMatch(node -> node.clusterInfo().contains("cluster_state:ok")));
        } finally {
            clients.forEach(RedisClient::shutdown);
        }
    }

    /** {@code spring.data.redis.cluster.nodes}: every node as host:port. */
    public String nodes() {
        return ports.stream().map(port -> TestRedis.HOST + ":" + port).collect(Collectors.joining(","));
    }

    /** Lettuce cluster client URIs, one per node. */
    public List<String> uris() {
        return ports.stream()
                .map(port -> "redis://" + TestRedis.HOST + ":" + port)
                .toList();
    }

    /** The port of the {@code index}-th first master (0 to 2). */
    public int masterPort(int index) {
        return ports.get(index);
    }

    /** Kills a node without warning (SIGKILL). */
    public void kill(int port) {
        ProcessHandle.of(TestRedis.processIdAt(port)).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
    }

    @Override
    public void close() {
        for (RedisServer server : servers) {
            try {
                server.stop();
            } catch (IOException | RuntimeException e) {
                // already gone
            }
        }
    }
}
