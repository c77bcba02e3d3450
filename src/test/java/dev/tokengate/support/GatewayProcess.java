package dev.tokengate.support;

import static org.awaitility.Awaitility.await;

import dev.tokengate.TokengateApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as a process of its own, with the test routes and its output in a file: for what a test JVM cannot show
 * (a signal, the exit, logging configured from the command line).
 */
public final class GatewayProcess implements AutoCloseable {

    /**
     * A start takes about 10 s alone; with the other test fork holding both cores (ten thousand WebSockets under
     * paranoid leak detection, say) one took over 60 s. Only a start that never comes waits this long.
     */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final Path log;
    private final int port;

    /**
     * For a gateway that answers a few requests and stops: the quick compiler only and one GC thread, which start it
     * in about half the time on two cores. A test that measures or races passes its own options instead.
     */
    private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a gateway with {@code --name=value} arguments added to the test ones; returns once it has started. */
    public static GatewayProcess start(String... arguments) {
        return start(QUICK_START, arguments);
    }

    /** As {@link #start(String...)}, with options for its JVM. */
    public static GatewayProcess start(List<String> jvmOptions, String... arguments) {
        int port = FreePort.find();
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                TokengateApplication.class.getName(),
                "--spring.profiles.active=test",
                "--server.port=" + port,
                "--test.upstream.url=" + RecordingUpstream.shared().url(),
                "--test.upstream.ws-url=" + RecordingUpstream.shared().url().replace("http:", "ws:"),
                "--test.misbehaving.url=" + MisbehavingUpstream.shared().url(),
                "--test.kept-alive.url=" + KeepAliveUpstream.shared().url(),
                "--test.unreachable.url=http://" + TestRedis.HOST + ":" + FreePort.find()));
        command.addAll(List.of(arguments));
        try {
            Path log = Files.createTempFile("tokengate-process", ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            GatewayProcess gateway = new GatewayProcess(process, log, port);
            // started, not only listening: the management server and the rest of the context come after the port
            await().atMost(START_TIMEOUT).until(() -> gateway.output().contains("Started TokengateApplication"));
            LingeringRequest.connect(port);
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Redis arguments for {@link #start}. */
    public static String[] redisAt(String host, int port) {
        return new String[] {"--spring.data.redis.host=" + host, "--spring.data.redis.port=" + port};
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return log;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends SIGTERM, as Kubernetes does. */
    public void terminate() {
        process.destroy();
    }

    /** @return whether the process exited within the time */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
