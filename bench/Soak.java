import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long run under mixed traffic and breakage, with nothing but a JDK (bench/soak.sh runs it):
 *
 * <pre>
 * java bench/Soak.java SECONDS GATEWAY_JAR REDIS_BINARY WORK_DIR
 * </pre>
 *
 * <p>It owns every process: a Redis it restarts, an upstream in this JVM that records what reached it, and the gateway
 * jar (paranoid Netty leak detection on). Client threads send valid, unknown, missing and revoked tokens from many
 * client addresses (through X-Forwarded-For, one trusted proxy) and one guessing address; tokens are revoked, routes
 * added and removed through the admin API, Redis restarted. Every request carries an X-Request-Id, so each answer can
 * be matched with what the upstream saw. Some clients leave before their answer (the upstream connection their
 * request was on must not be lost by another request), and some requests go to a path where the upstream closes the
 * connection without answering: the only 502s allowed. Exit status 1 if a bound is broken.
 */
public class Soak {

    static final int REDIS_PORT = 17479;
    static final int UPSTREAM_PORT = 17481;
    static final int GATEWAY_PORT = 17480;
    static final int MANAGEMENT_PORT = 17482;
    static final int TOKENS = 2000;
    static final int CLIENT_THREADS = 8;
    /** Requests sent, each on a new connection, at the moment a client leaves (issue 27's pattern). */
    static final int ALONGSIDE_LEAVING = 16;
    static final String ADMIN_TOKEN = "soak-admin-secret";
    /** Revocation reaches every instance within 50 ms (the near-cache tests); the soak allows twice that. */
    static final long REVOCATION_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** 503s are expected from a Redis stop until this long after it answers again. */
    static final long OUTAGE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    enum Kind { VALID, UNKNOWN, MISSING, REVOKED, PUBLIC, GUESSER, LEAVES, ALONGSIDE, UPSTREAM_FAILS }

    record Sent(Kind kind, boolean mustNotPass) {}

    final Path work;
    final String redisBinary;
    final String jar;
    final SecureRandom random = new SecureRandom();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final AtomicReferenceArray<String> tokens = new AtomicReferenceArray<>(TOKENS);
    final Map<String, Long> revokedAt = new ConcurrentHashMap<>();
    final Map<String, Sent> sent = new ConcurrentHashMap<>();
    final Map<String, String> forwarded = new ConcurrentHashMap<>();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Redis restarts so far, as [stopped, answering again] in System.nanoTime(); a negative end while one lasts. */
    final List<long[]> outages = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ExecutorService burst = Executors.newCachedThreadPool();
    final Map<String, java.util.concurrent.CountDownLatch> held = new ConcurrentHashMap<>();
    final Map<String, java.util.concurrent.CountDownLatch> released = new ConcurrentHashMap<>();
    final LongAdder unexpected5xx = new LongAdder();
    final LongAdder upstreamCaused502 = new LongAdder();
    final LongAdder unexplained502 = new LongAdder();
    final LongAdder expected503 = new LongAdder();
    final LongAdder routeChanges = new LongAdder();
    final LongAdder redisRestarts = new LongAdder();
    final LongAdder revocations = new LongAdder();
    Process redis;
    Process gateway;

    Soak(Path work, String redisBinary, String jar) {
        this.work = work;
        this.redisBinary = redisBinary;
        this.jar = jar;
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        Soak soak = new Soak(Path.of(args[3]), args[2], args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(soak::stopProcesses));
        int status;
        try {
            status = soak.run(seconds);
        } finally {
            soak.stopProcesses();
        }
        System.exit(status);
    }

    int run(long seconds) throws Exception {
        startRedis();
        for (int i = 0; i < TOKENS; i++) {
            tokens.set(i, issue("soak-user-" + i));
        }
        HttpServer upstream = startUpstream();
        startGateway();
        log("warming up for 20 s");
        runTraffic(Duration.ofSeconds(20), false);
        sent.clear();
        forwarded.clear();
        outcomes.clear();
        long heapStart = heapAfterFullGc();
        log("heap after full GC at start: " + mb(heapStart) + " MB; soaking for " + seconds + " s");

        ExecutorService chaos = Executors.newSingleThreadExecutor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        chaos.execute(() -> breakThings(deadline));
        runTraffic(Duration.ofSeconds(seconds), true);
        chaos.shutdown();
        chaos.awaitTermination(2, TimeUnit.MINUTES);

        long heapEnd = heapAfterFullGc();
        long leaks = leakReports();
        long lost = lostUpstreamConnections();
        checkForwarded();
        upstream.stop(0);
        return report(heapStart, heapEnd, leaks, lost);
    }

    // ---- traffic ----

    void runTraffic(Duration duration, boolean record) throws InterruptedException {
        long until = System.nanoTime() + duration.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        for (int t = 0; t < CLIENT_THREADS; t++) {
            clients.execute(() -> {
                while (System.nanoTime() < until) {
                    sendOne(record);
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS);
    }

    void sendOne(boolean record) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int dice = r.nextInt(100);
        Kind kind = dice < 60 ? Kind.VALID : dice < 73 ? Kind.UNKNOWN : dice < 81 ? Kind.MISSING
                : dice < 85 ? Kind.REVOKED : dice < 92 ? Kind.PUBLIC : dice < 95 ? Kind.GUESSER
                : dice < 99 ? Kind.LEAVES : Kind.UPSTREAM_FAILS;
        if (kind == Kind.LEAVES) {
            leaveEarly(tokens.get(r.nextInt(TOKENS)), record);
            return;
        }
        String token = null;
        boolean mustNotPass = kind != Kind.VALID && kind != Kind.PUBLIC;
        switch (kind) {
            case VALID, UPSTREAM_FAILS -> token = tokens.get(r.nextInt(TOKENS));
            case UNKNOWN, GUESSER -> token = newToken();
            case REVOKED -> {
                List<Map.Entry<String, Long>> revoked = new ArrayList<>(revokedAt.entrySet());
                if (revoked.isEmpty()) {
                    return;
                }
                Map.Entry<String, Long> pick = revoked.get(r.nextInt(revoked.size()));
                token = pick.getKey();
                mustNotPass = System.nanoTime() - pick.getValue() > REVOCATION_GRACE_NANOS;
            }
            default -> { }
        }
        String address = kind == Kind.GUESSER ? "198.51.100.66" : "10.0." + r.nextInt(8) + "." + r.nextInt(250);
        String path = kind == Kind.PUBLIC ? "/public/soak" : kind == Kind.UPSTREAM_FAILS ? "/api/soak-fails" : "/api/soak";
        String id = UUID.randomUUID().toString().replace("-", "");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY_PORT + path))
                .header("X-Request-Id", id)
                .header("X-Forwarded-For", address)
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (record) {
            sent.put(id, new Sent(kind, mustNotPass));
        }
        long started = System.nanoTime();
        String outcome;
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            outcome = kind + " " + status;
            if (record && status >= 500) {
                classify5xx(kind, status, System.nanoTime());
            }
        } catch (IOException e) {
            outcome = kind + " " + e.getClass().getSimpleName();
            if (record && !inOutage(started) && !inOutage(System.nanoTime())) {
                violations.add("no answer to " + kind + " request " + id + " outside an outage: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (record) {
            outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }
    }

    void classify5xx(Kind kind, int status, long answeredAt) {
        if (status == 503 && inOutage(answeredAt)) {
            expected503.increment();
        } else if (status == 502 && kind == Kind.UPSTREAM_FAILS) {
            upstreamCaused502.increment();
        } else {
            if (status == 502) {
                unexplained502.increment();
            }
            unexpected5xx.increment();
        }
    }

    /**
     * A valid request whose client leaves at the moment the upstream sends the body of its answer: the gateway learns
     * that the client is gone while it reads the end of the answer, after which the upstream connection goes back to
     * the pool for the other clients' requests.
     */
    void leaveEarly(String token, boolean record) {
        String path = "/api/soak-left/" + UUID.randomUUID();
        List<java.util.concurrent.Future<Integer>> alongside = new ArrayList<>();
        try (Socket socket = new Socket("127.0.0.1", GATEWAY_PORT)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: soak\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            boolean arrived = held.computeIfAbsent(path, p -> new java.util.concurrent.CountDownLatch(1))
                    .await(1, TimeUnit.SECONDS);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < ALONGSIDE_LEAVING && arrived; i++) {
                String other = tokens.get(ThreadLocalRandom.current().nextInt(TOKENS));
                alongside.add(burst.submit(() -> {
                    go.await();
                    return rawGet("/api/soak", other);
                }));
            }
            go.countDown();
            released.computeIfAbsent(path, p -> new java.util.concurrent.CountDownLatch(1)).countDown();
            if (!arrived) {
                held.remove(path);
                released.remove(path);
            }
        } catch (IOException e) {
            // a client that leaves does not care how
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (record) {
            outcomes.computeIfAbsent(Kind.LEAVES + " left", k -> new LongAdder()).increment();
        }
        for (java.util.concurrent.Future<Integer> answer : alongside) {
            try {
                int status = answer.get(15, TimeUnit.SECONDS);
                if (record) {
                    outcomes.computeIfAbsent(Kind.ALONGSIDE + " " + status, k -> new LongAdder()).increment();
                    if (status >= 500) {
                        classify5xx(Kind.ALONGSIDE, status, System.nanoTime());
                    }
                }
            } catch (Exception e) {
                violations.add("no answer to a request sent as a client left: " + e);
            }
        }
    }

    /** GET on a connection of its own, read to the end of the answer (with a Content-Length); its status. */
    static int rawGet(String path, String token) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", GATEWAY_PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: soak\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && !(head.length() >= 3 && head.toString().endsWith("\r\n\r") && b == '\n')) {
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            if (length.find()) {
                in.readNBytes(Integer.parseInt(length.group(1)));
            }
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    boolean inOutage(long at) {
        for (long[] outage : outages) {
            if (at >= outage[0] && (outage[1] < 0 || at <= outage[1] + OUTAGE_GRACE_NANOS)) {
                return true;
            }
        }
        return false;
    }

    void checkForwarded() {
        for (Map.Entry<String, String> seen : forwarded.entrySet()) {
            Sent request = sent.get(seen.getKey());
            if (request == null) {
                continue; // warm-up or route checks
            }
            if (request.mustNotPass()) {
                violations.add(request.kind() + " request " + seen.getKey() + " reached the upstream as user "
                        + seen.getValue());
            }
        }
    }

    // ---- breakage ----

    void breakThings(long deadline) {
        long nextRestart = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        long nextRouteChange = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int route = 0;
        while (System.nanoTime() < deadline - TimeUnit.SECONDS.toNanos(5)) {
            try {
                revokeOne();
                if (System.nanoTime() > nextRouteChange) {
                    changeRoute("soak-dyn-" + route++);
                    nextRouteChange = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                }
                if (System.nanoTime() > nextRestart) {
                    restartRedis();
                    nextRestart = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                }
                Thread.sleep(1000);
            } catch (Exception e) {
                log("breakage step failed: " + e);
            }
        }
    }

    void revokeOne() throws IOException {
        int slot = ThreadLocalRandom.current().nextInt(TOKENS);
        String old = tokens.get(slot);
        tokens.set(slot, issue("soak-user-" + slot));
        redis("DEL", "auth:token:" + sha256(old));
        revokedAt.put(old, System.nanoTime());
        revocations.increment();
    }

    void changeRoute(String id) throws Exception {
        String definition = "{\"uri\":\"http://127.0.0.1:" + UPSTREAM_PORT + "\",\"predicates\":[{\"name\":\"Path\","
                + "\"args\":{\"_genkey_0\":\"/" + id + "/**\"}}],\"metadata\":{\"auth\":\"none\"}}";
        admin("POST", "/actuator/gateway/routes/" + id, definition);
        admin("POST", "/actuator/gateway/refresh", null);
        boolean served = false;
        for (int i = 0; i < 50 && !served; i++) {
            Thread.sleep(100);
            served = get("/" + id + "/x") == 200;
        }
        if (!served) {
            log("route " + id + " not served within 5 s (Redis may be restarting)");
        }
        admin("DELETE", "/actuator/gateway/routes/" + id, null);
        admin("POST", "/actuator/gateway/refresh", null);
        routeChanges.increment();
    }

    void restartRedis() throws Exception {
        log("restarting Redis");
        long[] outage = {System.nanoTime(), -1};
        outages.add(outage);
        try {
            redis("SHUTDOWN", "SAVE");
        } catch (IOException expected) {
            // the server closes the connection as it exits
        }
        redis.waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(2000);
        startRedis();
        outage[1] = System.nanoTime();
        redisRestarts.increment();
    }

    // ---- processes ----

    void startRedis() throws Exception {
        redis = new ProcessBuilder(redisBinary, "--port", Integer.toString(REDIS_PORT), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", work.toString())
                .redirectOutput(work.resolve("redis.log").toFile())
                .redirectErrorStream(true)
                .start();
        awaitPort(REDIS_PORT, "Redis");
        for (int i = 0; i < 100; i++) {
            try {
                if (redis("PING").equals("PONG")) {
                    return;
                }
            } catch (IOException loading) {
                // still loading its data
            }
            Thread.sleep(100);
        }
    }

    HttpServer startUpstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", UPSTREAM_PORT), 512);
        // A leaving client's request: the head of its answer at once, the body when the client is about to leave.
        server.createContext("/api/soak-left/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().flush();
            held.computeIfAbsent(path, p -> new java.util.concurrent.CountDownLatch(1)).countDown();
            try {
                released.computeIfAbsent(path, p -> new java.util.concurrent.CountDownLatch(1))
                        .await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.remove(path);
            released.remove(path);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // The upstream's own failure: a handler that throws makes the JDK's server close the connection unanswered.
        server.createContext("/api/soak-fails", exchange -> {
            throw new IllegalStateException("closing the connection without an answer, on purpose");
        });
        server.createContext("/", exchange -> {
            String id = exchange.getRequestHeaders().getFirst("X-Request-Id");
            String user = exchange.getRequestHeaders().getFirst("X-User-Id");
            if (id != null) {
                forwarded.put(id, user == null ? "-" : user);
            }
            exchange.getRequestBody().readAllBytes();
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        return server;
    }

    void startGateway() throws Exception {
        String adminHash = sha256(ADMIN_TOKEN);
        // Two event loops, one per core of the machine the soak was made on; with the pool's LIFO order (the soak's
        // configuration) a connection back from a client that left is the next one taken: a close that lands late
        // on a reused connection (issue 27) shows within minutes.
        gateway = new ProcessBuilder("java", "-Dio.netty.leakDetection.level=paranoid", "-Dreactor.netty.ioWorkerCount=2",
                        "-jar", jar,
                        "--server.port=" + GATEWAY_PORT,
                        "--management.server.port=" + MANAGEMENT_PORT,
                        "--spring.data.redis.port=" + REDIS_PORT,
                        "--soak.upstream.url=http://127.0.0.1:" + UPSTREAM_PORT,
                        "--tokengate.admin.token-sha256=" + adminHash,
                        "--tokengate.auth.trusted-proxy-count=1",
                        "--spring.config.additional-location=file:bench/application-soak.yml")
                .redirectOutput(work.resolve("gateway.log").toFile())
                .redirectErrorStream(true)
                .start();
        awaitPort(GATEWAY_PORT, "gateway");
    }

    void stopProcesses() {
        for (Process process : new Process[] {gateway, redis}) {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process.destroyForcibly();
            }
        }
    }

    long heapAfterFullGc() throws Exception {
        String pid = Long.toString(gateway.pid());
        run("jcmd", pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(run("jcmd", pid, "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    }

    /**
     * The gateway's own count of requests it answered 502 for a lost upstream connection, leaving clients' included
     * (their client never sees it), apart from the path where the upstream fails on purpose.
     */
    long lostUpstreamConnections() throws IOException {
        return Files.readAllLines(work.resolve("gateway.log")).stream()
                .filter(line -> line.contains("502 answering") && !line.contains("/api/soak-fails"))
                .count();
    }

    long leakReports() throws IOException {
        return Files.readAllLines(work.resolve("gateway.log")).stream()
                .filter(line -> line.contains("LEAK:"))
                .count();
    }

    // ---- report ----

    int report(long heapStart, long heapEnd, long leaks, long lost) {
        long total = outcomes.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.println();
        System.out.println("| outcome | requests |");
        System.out.println("|---|---|");
        new TreeMap<>(outcomes).forEach((outcome, count) ->
                System.out.println("| " + outcome + " | " + count.sum() + " |"));
        System.out.println();
        System.out.println("| measure | value | bound |");
        System.out.println("|---|---|---|");
        System.out.println("| requests | " + total + " | |");
        System.out.println("| revocations / route changes / Redis restarts | " + revocations.sum() + " / "
                + routeChanges.sum() + " / " + redisRestarts.sum() + " | |");
        System.out.println("| forwarded without valid auth | " + violations.stream()
                .filter(v -> v.contains("reached the upstream")).count() + " | 0 |");
        System.out.println("| 503 during Redis restarts (expected) | " + expected503.sum() + " | |");
        System.out.println("| 502 the upstream caused (it closed the connection without answering) | "
                + upstreamCaused502.sum() + " | |");
        System.out.println("| 502 the upstream did not cause | " + unexplained502.sum() + " | 0 |");
        System.out.println("| 502 the gateway logged for a lost upstream connection, leaving clients' included | "
                + lost + " | 0 |");
        System.out.println("| other 5xx (those 502s included) | " + unexpected5xx.sum() + " | 0 |");
        System.out.println("| requests without an answer outside outages | " + violations.stream()
                .filter(v -> v.startsWith("no answer")).count() + " | 0 |");
        System.out.println("| heap after full GC, start → end | " + mb(heapStart) + " → " + mb(heapEnd)
                + " MB | end < start + 64 MB |");
        System.out.println("| Netty leak reports (paranoid) | " + leaks + " | 0 |");
        violations.stream().limit(20).forEach(v -> System.out.println("VIOLATION " + v));
        boolean ok = violations.isEmpty() && unexpected5xx.sum() == 0 && leaks == 0 && lost == 0
                && heapEnd < heapStart + 64L * 1024 * 1024 && total > 0;
        System.out.println(ok ? "\nAll bounds held." : "\nA bound was broken.");
        return ok ? 0 : 1;
    }

    // ---- small helpers ----

    String issue(String user) throws IOException {
        String token = newToken();
        redis("HSET", "auth:token:" + sha256(token), "user", user, "scopes", "soak:read");
        return token;
    }

    String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    int get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY_PORT + path))
                .timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    void admin(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MANAGEMENT_PORT + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(5));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    /** One command on a connection of its own; the reply's first line without its type byte. */
    static String redis(String... command) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", REDIS_PORT)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder resp = new StringBuilder("*").append(command.length).append("\r\n");
            for (String part : command) {
                resp.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(part).append("\r\n");
            }
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\r') {
                line.append((char) b);
            }
            if (line.length() == 0) {
                throw new IOException("no reply to " + command[0]);
            }
            if (line.charAt(0) == '-') {
                throw new IOException(line.toString());
            }
            return line.substring(1);
        }
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitPort(int port, String what) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(what + " did not open port " + port);
    }

    static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }

    static void log(String message) {
        System.err.printf("%tT %s%n", System.currentTimeMillis(), message);
    }
}
