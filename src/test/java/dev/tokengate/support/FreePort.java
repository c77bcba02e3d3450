package dev.tokengate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** A loopback port nothing listens on right now. */
public final class FreePort {

    /** Redis 6 (the embedded binary) listens for the cluster bus on a node's port plus this. */
    public static final int CLUSTER_BUS_OFFSET = 10000;

    private static final int CLUSTER_NODE_LOWEST = 12000;
    private static final int CLUSTER_NODE_HIGHEST = 21999;

    private FreePort() {}

    /** Whether nothing listens on {@code port} of the loopback address right now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(TestRedis.HOST))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(TestRedis.HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A port for a Redis Cluster node whose bus port is free too. Not {@link #find()}: the kernel hands out ports
     * of its ephemeral range (32768 and up), and Redis refuses to start a node above 55535, whose bus port would
     * not exist. Both ports are picked below the ephemeral range, where no outgoing connection takes them meanwhile.
     */
    public static int forClusterNode() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(CLUSTER_NODE_LOWEST, CLUSTER_NODE_HIGHEST + 1);
            if (isFree(port) && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports for a cluster node from " + CLUSTER_NODE_LOWEST);
    }
}
