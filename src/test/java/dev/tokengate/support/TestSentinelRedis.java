package dev.tokengate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * Redis Sentinel on loopback from the embedded-redis binary: one master, one replica and three sentinels (quorum 2)
 * that declare the master down after a second. For failover tests only; stop it when done.
 */
public final class TestSentinelRedis implements AutoCloseable {

    public static final String MASTER_NAME = "mymaster";

    private final int masterPort = FreePort.find();
    private final int replicaPort = FreePort.find();
    private final RedisServer master;
    private final RedisServer replica;
    private final List<RedisSentinel> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    public TestSentinelRedis() {
        try {
            master = server(masterPort, null);
            replica = server(replicaPort, "replicaof " + TestRedis.HOST + " " + masterPort);
            master.start();
            replica.start();
            for (int i = 0; i < 3; i++) {
                int port = FreePort.find();
                RedisSentinel sentinel = RedisSentinel.newRedisSentinel()
                        .bind(TestRedis.HOST)
                        .port(port)
                        .masterName(MASTER_NAME)
                        .masterPort(masterPort)
                        .quorumSize(2)
                        .downAfterMilliseconds(1000)
                        .failOverTimeout(3000)
                        .parallelSyncs(1)
                        .build();
                sentinel.start();
                sentinels.add(sentinel);
                sentinelPorts.add(port);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    private static RedisServer server(int port, String replicaOf) throws IOException {
        var builder = RedisServer.newRedisServer()
                .port(port)
                .bind(TestRedis.HOST)
                .setting("save \"\"")
                .setting("appendonly no");
        if (replicaOf != null) {
            builder.setting(replicaOf);
        }
        return builder.build();
    }

    /** {@code spring.data.redis.sentinel.nodes}: every sentinel as host:port. */
    public String sentinelNodes() {
        return sentinelPorts.stream().map(port -> TestRedis.HOST + ":" + port).collect(Collectors.joining(","));
    }

    /** A Lettuce URI that always reaches the current master, through the sentinels. */
    public String uri() {
        return "redis-sentinel://" + sentinelNodes() + "#" + MASTER_NAME;
    }

    public int masterPort() {
        return masterPort;
    }

    /** Kills the first master (SIGKILL): the sentinels promote the replica. */
    public void killMaster() {
        ProcessHandle.of(TestRedis.processIdAt(masterPort)).ifPresent(process -> {
            process.destroyForcibly();
            process.onExit().join();
        });
    }

    @Override
    public void close() {
        List<Runnable> stops = new ArrayList<>();
        sentinels.forEach(sentinel -> stops.add(() -> quietly(sentinel::stop)));
        if (replica != null) {
            stops.add(() -> quietly(replica::stop));
        }
        if (master != null) {
            stops.add(() -> quietly(master::stop));
        }
        stops.forEach(Runnable::run);
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }
}
