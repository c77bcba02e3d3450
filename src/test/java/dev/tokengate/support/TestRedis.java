package dev.tokengate.support;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * The real Redis server of the test JVM: a Testcontainers container where a Docker engine answers, otherwise the
 * {@code redis-server} binary shipped in embedded-redis. Started once per JVM so it outlives cached Spring contexts;
 * tests may stop and start it again on the same port.
 */
public abstract class TestRedis {

    public static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private static TestRedis shared;
    private static Boolean docker;

    protected final int port;

    private TestRedis(int port) {
        this.port = port;
    }

    /** The server shared by all tests in this JVM, started on first use. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = startNew();
        }
        return shared;
    }

    /**
     * Another server of its own, for tests that need a differently configured Redis; stopped at JVM exit at the latest.
     *
     * @param configLines redis.conf lines, such as {@code rename-command CLIENT ""}
     */
    public static TestRedis startNew(String... configLines) {
        return startOn(FreePort.find(), configLines);
    }

    /** A server on {@code port} if nothing listens there, else on a free port: the dev run's documented port. */
    public static TestRedis startPreferring(int port) {
        return startOn(FreePort.isFree(port) ? port : FreePort.find());
    }

    private static TestRedis startOn(int port, String... configLines) {
        TestRedis redis = dockerAvailable()
                ? new ContainerRedis(port, List.of(configLines))
                : new EmbeddedRedis(port, List.of(configLines));
        redis.start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
        return redis;
    }

    /**
     * Asks Testcontainers only where a Docker engine may be: asked on a machine without one, it logs an alarming
     * error before saying no.
     */
    private static synchronized boolean dockerAvailable() {
        if (docker == null) {
            boolean mayHaveDocker = System.getenv("DOCKER_HOST") != null
                    || Files.exists(Path.of("/var/run/docker.sock"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                    || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
            docker = mayHaveDocker && DockerClientFactory.instance().isDockerAvailable();
            System.out.println(
                    docker
                            ? "Test Redis: a Testcontainers container"
                            : "Test Redis: no Docker engine here, using the redis-server binary shipped in embedded-redis");
        }
        return docker;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** Starts the server and returns once it answers PING. */
    public final synchronized void start() {
        doStart();
        awaitReady();
    }

    /** Stops the server; clients see their connections close. */
    public final synchronized void stop() {
        doStop();
    }

    /** Kills the server without warning, as a crash or the OOM killer would (SIGKILL); {@link #start()} revives it. */
    public final synchronized void kill() {
        doKill();
        doStop();
    }

    protected abstract void doStart();

    protected abstract void doStop();

    protected abstract void doKill();

    protected final long processId() {
        return processIdAt(port);
    }

    /** The process id of the Redis server listening on {@code port}, from {@code INFO server}. */
    static long processIdAt(int port) {
        Matcher pid = Pattern.compile("process_id:(\\d+)").matcher(send(port, "INFO server"));
        if (!pid.find()) {
            throw new IllegalStateException("INFO server did not tell the process id");
        }
        return Long.parseLong(pid.group(1));
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Redis on port " + port + " did not answer PING within " + READY_TIMEOUT);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean answersPing() {
        try {
            String reply = send(port, "PING");
            // a server with requirepass answers, if not with PONG
            return reply.equals("+PONG\r\n") || reply.startsWith("-NOAUTH");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Sends one inline command and returns the raw reply, read until the server has nothing more to say. */
    private static String send(int port, String inlineCommand) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write((inlineCommand + "\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return reply.endsWith("+OK\r\n") ? reply.substring(0, reply.length() - 5) : reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class EmbeddedRedis extends TestRedis {

        private final RedisServer server;

        EmbeddedRedis(int port, List<String> configLines) {
            super(port);
            try {
                RedisServerBuilder builder = RedisServer.newRedisServer()
                        .port(port)
                        .bind(HOST)
                        .setting("save \"\"")
                        .setting("appendonly no");
                configLines.forEach(builder::setting);
                server = builder.build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void doStart() {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected void doKill() {
            ProcessHandle.of(processId()).ifPresent(process -> {
                process.destroyForcibly();
                process.onExit().join();
            });
        }

        @Override
        protected void doStop() {
            try {
                if (server.isActive()) {
                    server.stop();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A fixed host port, so that a stopped and restarted container keeps its address like a real server. */
    private static final class ContainerRedis extends TestRedis {

        private static final int REDIS_PORT = 6379;

        private final GenericContainer<?> container;

        @SuppressWarnings("resource")
        ContainerRedis(int port, List<String> configLines) {
            super(port);
            List<String> command = new ArrayList<>(
                    List.of("redis-server", "--save", "", "--appendonly", "no", "--enable-debug-command", "yes"));
            configLines.forEach(line -> command.addAll(List.of(("--" + line).split(" "))));
            container = new GenericContainer<>("redis:7.4-alpine")
                    .withCommand(command.toArray(String[]::new))
                    .withExposedPorts(REDIS_PORT)
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                            .withPortBindings(List.of(new PortBinding(
                                    Ports.Binding.bindIpAndPort(HOST, port), new ExposedPort(REDIS_PORT)))));
        }

        @Override
        protected void doStart() {
            if (container.getContainerId() == null) {
                container.start();
            } else {
                container
                        .getDockerClient()
                        .startContainerCmd(container.getContainerId())
                        .exec();
            }
        }

        @Override
        protected void doKill() {
            container
                    .getDockerClient()
                    .killContainerCmd(container.getContainerId())
                    .exec();
        }

        @Override
        protected void doStop() {
            if (container.getContainerId() != null) {
                container
                        .getDockerClient()
                        .stopContainerCmd(container.getContainerId())
                        .exec();
            }
        }
    }
}
