package dev.tokengate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that fails the way real ones do, chosen by the request path: {@code /slow/**} answers only after
 * {@link #SLOW_ANSWER_DELAY}; {@code /reset/**} and {@code /reset-long/**} start a 200 response that promises
 * {@link #SHORT_PROMISE} or {@link #LONG_PROMISE} bytes, send a few, then reset the connection; {@code /linger/**}
 * answers 200 after {@link #LINGER} (for requests in flight during a
 * shutdown). A plain socket server, so that it can misbehave below HTTP.
 */
public final class MisbehavingUpstream {

    public static final Duration SLOW_ANSWER_DELAY = Duration.ofSeconds(3);
    public static final String PARTIAL_BODY = "only the beginning";
    /** What {@code /reset/**} promises: a short answer, which the gateway passes on whole or not at all. */
    public static final int SHORT_PROMISE = 1000;
    /** What {@code /reset-long/**} promises: longer than the gateway holds back, so it streams. */
    public static final int LONG_PROMISE = 100_000;
    // Longer than the 3 s Reactor Netty waits for connections when the server stops without graceful shutdown.
    public static final Duration LINGER = Duration.ofSeconds(4);

    private static MisbehavingUpstream shared;

    private final AtomicInteger lingering = new AtomicInteger();
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "misbehaving-upstream");
        thread.setDaemon(true);
        return thread;
    });

    private MisbehavingUpstream() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getByName(TestRedis.HOST));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections.execute(this::accept);
    }

    public static synchronized MisbehavingUpstream shared() {
        if (shared == null) {
            shared = new MisbehavingUpstream();
        }
        return shared;
    }

    public String url() {
        return "http://" + TestRedis.HOST + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> answer(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** How many {@code /linger/**} requests have arrived so far. */
    public int lingeringRequests() {
        return lingering.get();
    }

    private void answer(Socket socket) {
        try (socket) {
            String requestLine = readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (requestLine.contains(" /slow/")) {
                Thread.sleep(SLOW_ANSWER_DELAY.toMillis());
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate"));
            } else if (requestLine.contains(" /linger/")) {
                lingering.incrementAndGet();
                Thread.sleep(LINGER.toMillis());
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nfinished"));
            } else if (requestLine.contains(" /reset/") || requestLine.contains(" /reset-long/")) {
                int promised = requestLine.contains(" /reset/") ? SHORT_PROMISE : LONG_PROMISE;
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + promised + "\r\n\r\n" + PARTIAL_BODY));
                out.flush();
                Thread.sleep(100);
                socket.setSoLinger(true, 0); // close with RST
            } else {
                out.write(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            }
            out.flush();
        } catch (IOException e) {
            // the gateway gave up first: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the request head and returns its first line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        int end = head.indexOf("\r\n");
        return end < 0 ? head.toString() : head.substring(0, end);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
