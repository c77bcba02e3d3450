import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's Redis chores, with nothing but a JDK (run as {@code java bench/BenchRedis.java ...}):
 *
 * <pre>
 * seed PORT COUNT VALID_FILE UNKNOWN_FILE   store COUNT tokens as ops would, write them and as many unknown ones
 * calls PORT                                commands Redis has run so far, except the benchmark's and health checks
 * revocation PORT URL COUNT                 COUNT tokens, each made hot at URL, then deleted: how soon URL refuses it
 * </pre>
 */
public class BenchRedis {

    // Commands that are not token lookups: this program's own, and the near cache's heartbeat and set-up.
    private static final Set<String> NOT_LOOKUPS = Set.of("info", "ping", "client", "hello", "hset", "del");

    // Commands sent before their replies are read: Redis keeps every reply in memory until then.
    private static final int SEED_BATCH = 10_000;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            switch (args[0]) {
                case "seed" -> seed(in, out, Integer.parseInt(args[2]), Path.of(args[3]), Path.of(args[4]));
                case "calls" -> System.out.println(lookupCalls(in, out));
                case "revocation" -> revocation(in, out, URI.create(args[2]), Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }

    private static void seed(InputStream in, OutputStream out, int count, Path validFile, Path unknownFile)
            throws Exception {
        SecureRandom random = new SecureRandom();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        List<String> valid = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String token = newToken(random);
            String hash = HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
            write(out, "HSET", "auth:token:" + hash, "user", "bench-user-" + i, "scopes", "bench:read");
            valid.add(token);
            unknown.add(newToken(random));
            if ((i + 1) % SEED_BATCH == 0 || i + 1 == count) {
                out.flush();
                for (int replies = (i % SEED_BATCH) + 1; replies > 0; replies--) {
                    readLine(in);
                }
            }
        }
        Files.write(validFile, valid);
        Files.write(unknownFile, unknown);
    }

    /**
     * The near cache's promise, measured: a token answered from the gateway's memory is deleted with a plain {@code
     * DEL}, and requests go out back to back from the moment Redis confirms it until one is refused (401).
     */
    private static void revocation(InputStream in, OutputStream out, URI url, int count) throws Exception {
        SecureRandom random = new SecureRandom();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Long> micros = new ArrayList<>();
        int onTheNextRequest = 0;
        for (int i = 0; i < count; i++) {
            String token = newToken(random);
            String key = "auth:token:" + HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
            write(out, "HSET", key, "user", "revoked-" + i, "scopes", "bench:read");
            out.flush();
            readLine(in);
            HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build();
            for (int hot = 0; hot < 3; hot++) {
                expect(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), 200);
            }
            write(out, "DEL", key);
            out.flush();
            readLine(in);
            long deleted = System.nanoTime();
            int attempts = 0;
            int status;
            do {
                attempts++;
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } while (status != 401 && System.nanoTime() - deleted < 5_000_000_000L);
            expect(status, 401);
            micros.add((System.nanoTime() - deleted) / 1000);
            onTheNextRequest += attempts == 1 ? 1 : 0;
        }
        micros.sort(null);
        System.out.printf(
                "%d revocations of a near-cached token: p50 %.2f ms, p99 %.2f ms, max %.2f ms; refused on the very next request %d of %d%n",
                count,
                micros.get(count / 2) / 1000.0,
                micros.get(Math.max(0, (int) Math.ceil(count * 0.99) - 1)) / 1000.0,
                micros.get(count - 1) / 1000.0,
                onTheNextRequest,
                count);
    }

    private static void expect(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + status);
        }
    }

    private static long lookupCalls(InputStream in, OutputStream out) throws IOException {
        write(out, "INFO", "commandstats");
        out.flush();
        String header = readLine(in);
        byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)) + 2);
        long calls = 0;
        for (String line : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring("cmdstat_".length(), line.indexOf(':'));
                if (!NOT_LOOKUPS.contains(command) && !command.startsWith("client")) {
                    int start = line.indexOf("calls=") + "calls=".length();
                    calls += Long.parseLong(line.substring(start, line.indexOf(',', start)));
                }
            }
        }
        return calls;
    }

    private static String newToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void write(OutputStream out, String... parts) throws IOException {
        StringBuilder command = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String part : parts) {
            command.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        out.write(command.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (line.charAt(0) == '-') {
            throw new IOException("Redis: " + line);
        }
        return line.toString();
    }
}
