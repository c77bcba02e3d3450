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
 * lastuse PORT BATCHES MEMBERS              Redis time per call of the last-use write, as EVAL and as EVALSHA
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
                case "lastuse" -> lastUse(in, out, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
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

    /**
     * The last-use write (LastUseRecorder's script, read from its source) on a sorted set of {@code members} hashes,
     * {@code batches} calls of 500 each, sent first as {@code EVAL} with the text (as before issue 29) and then as
     * {@code EVALSHA} with the digest (LuaScript): Redis's own time per call from {@code INFO commandstats}.
     */
    private static void lastUse(InputStream in, OutputStream out, int batches, int members) throws Exception {
        String script = lastUseScript();
        SecureRandom random = new SecureRandom();
        List<String> hashes = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < members; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            hashes.add(HexFormat.of().formatHex(bytes));
            write(out, "ZADD", LAST_USED, Long.toString(now - random.nextInt(1_000_000)), hashes.get(i));
            if ((i + 1) % SEED_BATCH == 0 || i + 1 == members) {
                out.flush();
                for (int replies = (i % SEED_BATCH) + 1; replies > 0; replies--) {
                    readLine(in);
                }
            }
        }
        write(out, "SCRIPT", "LOAD", script);
        out.flush();
        readLine(in);
        String sha = readLine(in);
        for (String command : List.of("EVAL", "EVALSHA")) {
            write(out, "CONFIG", "RESETSTAT");
            out.flush();
            readLine(in);
            for (int batch = 0; batch < batches; batch++) {
                List<String> call = new ArrayList<>(List.of(command, command.equals("EVAL") ? script : sha, "1"));
                long at = System.currentTimeMillis();
                call.addAll(List.of(LAST_USED, Long.toString(at), Long.toString(at - 90L * 24 * 3600 * 1000)));
                for (int i = 0; i < 500; i++) {
                    call.add(hashes.get(random.nextInt(members)));
                }
                write(out, call.toArray(String[]::new));
                out.flush();
                readLine(in);
            }
            System.out.printf(
                    "%s: %s µs of Redis time per call (%d calls of 500 hashes, sorted set of %d)%n",
                    command, usecPerCall(in, out, command.toLowerCase()), batches, members);
        }
    }

    private static final String LAST_USED = "auth:tokens:last-used";

    private static String lastUseScript() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/tokengate/usage/LastUseRecorder.java"));
        int start = source.indexOf("\"\"\"", source.indexOf("WRITE = LuaScript")) + 3;
        return source.substring(start, source.indexOf("\"\"\"", start)).strip().replaceAll("\n\\s+", "\n");
    }

    private static String usecPerCall(InputStream in, OutputStream out, String command) throws IOException {
        write(out, "INFO", "commandstats");
        out.flush();
        String header = readLine(in);
        byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)) + 2);
        for (String line : new String(body, StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                int start = line.indexOf("usec_per_call=") + "usec_per_call=".length();
                return line.substring(start, line.indexOf(',', start));
            }
        }
        return "?";
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
