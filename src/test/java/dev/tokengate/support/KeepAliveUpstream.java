package dev.tokengate.support;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain HTTP/1.1 upstream that keeps its connections alive, as most services do, and records how each of them
 * ended: normally (the gateway closed it between requests, or it closed it itself after {@code idleTimeout}), or cut
 * short (reset, or closed in the middle of a request) and during which request. It writes each answer's head and body
 * separately, {@code headToBody} apart, as servers that flush headers first do. Everything that reaches it is counted
 * by path, so a test can prove what was sent twice and what never.
 *
 * <p>A path's last segment may ask it to fail the way real upstreams do, the first time that path arrives (so that a
 * retry finds it answering): {@code close-first} closes the connection without answering, {@code reset-first}
 * resets it, {@code partial-first} sends {@code HTTP/1.1 2} and closes, {@code head-first} sends a complete head that
 * promises a body and closes. {@code close-always} closes every time. A path under {@code /held/} gets its head at once
 * and its body only when the test {@link #release releases} it.
 */
public final class KeepAliveUpstream implements AutoCloseable {

    private static KeepAliveUpstream shared;

    /**
     * How long an upstream with an idle timeout takes to close a connection once the timeout has passed: a request
     * that arrives meanwhile crosses the close, as one does that an upstream closing at the same moment never reads.
     */
    private static final Duration CLOSING = Duration.ofMillis(500);

    private final Duration headToBody;
    private final Duration idleTimeout;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "keep-alive-upstream");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> heads = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> bodies = new ConcurrentHashMap<>();
    private final Queue<ConnectionEnd> ends = new ConcurrentLinkedQueue<>();

    private KeepAliveUpstream(Duration headToBody, Duration idleTimeout) {
        this.headToBody = headToBody;
        this.idleTimeout = idleTimeout;
        try {
            server = new ServerSocket(0, 1024, InetAddress.getByName(TestRedis.HOST));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections.execute(this::accept);
    }

    /** The upstream shared by the test routes under {@code /kept-alive/**}: head and body at once, no idle limit. */
    public static synchronized KeepAliveUpstream shared() {
        if (shared == null) {
            shared = start(Duration.ZERO, Duration.ZERO);
        }
        return shared;
    }

    /**
     * A new upstream; {@code idleTimeout} zero keeps idle connections open for ever. Otherwise a connection idle that
     * long is closed, and a request arriving on it in the {@link #CLOSING} moments after gets the close, not an answer,
     * and is not counted as arrived: the upstream never read it.
     */
    public static KeepAliveUpstream start(Duration headToBody, Duration idleTimeout) {
        return new KeepAliveUpstream(headToBody, idleTimeout);
    }

    public String url() {
        return "http://" + TestRedis.HOST + ":" + server.getLocalPort();
    }

    /** How many times a request for exactly {@code path} (without its query) arrived. */
    public int arrivals(String path) {
        AtomicInteger count = arrivals.get(path);
        return count == null ? 0 : count.get();
    }

    /** Waits until the head of the answer to the {@code /held/} request for {@code path} has been written. */
    public boolean awaitHeld(String path, Duration timeout) throws InterruptedException {
        return heads.computeIfAbsent(path, p -> new CountDownLatch(1)).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the body of the answer to the {@code /held/} request for {@code path}. */
    public void release(String path) {
        bodies.computeIfAbsent(path, p -> new CountDownLatch(1)).countDown();
    }

    /** Every connection that has ended, in the order they ended. */
    public List<ConnectionEnd> ends() {
        return new ArrayList<>(ends);
    }

    public void clear() {
        arrivals.clear();
        ends.clear();
        heads.clear();
        bodies.clear();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        int requests = 0;
        String last = null;
        String how;
        boolean cutShort = false;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                long idleSince = System.nanoTime();
                socket.setSoTimeout(
                        idleTimeout.isZero()
                                ? 0
                                : (int) idleTimeout.plus(CLOSING).toMillis());
                String requestLine;
                try {
                    requestLine = readLine(in);
                } catch (SocketTimeoutException idle) {
                    how = "closed by the upstream after " + idleTimeout.toMillis() + " ms idle";
                    break;
                }
                socket.setSoTimeout(0);
                if (requestLine == null) {
                    how = "closed by the gateway between requests";
                    break;
                }
                if (!idleTimeout.isZero() && System.nanoTime() - idleSince >= idleTimeout.toNanos()) {
                    how = "closed by the upstream after " + idleTimeout.toMillis() + " ms idle, as a request came";
                    break;
                }
                last = requestLine;
                requests++;
                String path = pathOf(requestLine);
                int arrival =
                        arrivals.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                readBody(in, readHeaders(in));
                if (!answer(socket, out, path, arrival)) {
                    how = "closed by the upstream on purpose";
                    break;
                }
            }
        } catch (IOException e) {
            // A reset after an answer was written means the gateway closed the connection before reading it.
            how = e.toString();
            cutShort = true;
        }
        ends.add(new ConnectionEnd(requests, last, how, cutShort));
    }

    /** Answers, or fails as the path asks; false if the connection was closed on purpose. */
    private boolean answer(Socket socket, OutputStream out, String path, int arrival) throws IOException {
        String failure = path.substring(path.lastIndexOf('/') + 1);
        boolean first = arrival == 1;
        switch (failure) {
            case "close-always":
                return false;
            case "close-first":
                if (first) {
                    return false;
                }
                break;
            case "reset-first":
                if (first) {
                    socket.setSoLinger(true, 0);
                    return false;
                }
                break;
            case "partial-first":
                if (first) {
                    out.write(ascii("HTTP/1.1 2"));
                    out.flush();
                    return false;
                }
                break;
            case "head-first":
                if (first) {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
                    out.flush();
                    return false;
                }
                break;
            default:
                break;
        }
        byte[] body = ascii("{\"path\":\"" + path + "\",\"arrival\":" + arrival + "}");
        out.write(ascii(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.flush();
        if (path.contains("/held/")) {
            heads.computeIfAbsent(path, p -> new CountDownLatch(1)).countDown();
            awaitRelease(path);
        } else if (!headToBody.isZero()) {
            LockSupport.parkNanos(headToBody.toNanos());
        }
        out.write(body);
        out.flush();
        return true;
    }

    private void awaitRelease(String path) throws IOException {
        try {
            if (!bodies.computeIfAbsent(path, p -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS)) {
                throw new IOException("never released: " + path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted holding " + path, e);
        }
    }

    private static int readHeaders(InputStream in) throws IOException {
        int contentLength = 0;
        String header;
        while (!(header = requireLine(in)).isEmpty()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(
                        header.substring("content-length:".length()).trim());
            }
        }
        return contentLength;
    }

    private static void readBody(InputStream in, int contentLength) throws IOException {
        if (in.readNBytes(contentLength).length < contentLength) {
            throw new EOFException("body cut short");
        }
    }

    private static String requireLine(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            throw new EOFException("connection closed in the middle of a request head");
        }
        return line;
    }

    /** A CRLF-terminated line, or null at the end of the stream before its first byte. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        if (line.length() > 0) {
            throw new EOFException("connection closed in the middle of a line");
        }
        return null;
    }

    private static String pathOf(String requestLine) {
        String[] parts = requestLine.split(" ");
        String target = parts.length > 1 ? parts[1] : "";
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * How a connection ended: after {@code requests} requests, the last of them {@code lastRequest} (its request line,
     * null if none came), {@code how}, and whether it was {@code cutShort}: reset, or closed in the middle of a
     * request. A connection the gateway closes cleanly between requests, or the upstream after its idle timeout, is not.
     */
    public record ConnectionEnd(int requests, String lastRequest, String how, boolean cutShort) {}
}
