package dev.tokengate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.FreePort;
import dev.tokengate.support.GatewayProcess;
import dev.tokengate.support.KeepAliveUpstream;
import dev.tokengate.support.KeepAliveUpstream.ConnectionEnd;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.TestClients;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A client that goes away must never cost another request its upstream connection (issue 27). Clients that leave before
 * their answer, first in a burst, then four in each of 300 rounds, each at the moment its answer arrives, while the
 * issue's load sends a round of requests (20 clients, a connection of their own per request, 60 % with a valid
 * token), against an upstream that keeps its connections alive and records how each of them ended.
 *
 * <p>The gateway runs on two event loops, as many as the machine has cores, and its pool hands out the connection
 * released last first ({@code leasing-strategy: lifo}), so that a connection back from a client that left is the next
 * one taken: a late close of it then hits another request in most runs rather than in a few.
 */
class UpstreamConnectionReuseIntegrationTest {

    private static final int LOAD_CLIENTS = 20;
    private static final int ROUNDS = 300;
    /** Threads that send the burst. */
    private static final int BURST_CLIENTS = 4;

    private static final int LEAVING_PER_ROUND = 4;
    private static final int BURST = 300;
    /** Longest a client of the burst waits before it leaves: about as long as an answer takes. */
    private static final int LEAVE_WITHIN_MICROS = 8_000;

    private static final Pattern GATEWAY_ERRORS =
            Pattern.compile("spring_cloud_gateway_requests_seconds_count\\{.*httpStatusCode=\"(5\\d\\d)\".*"
                    + "routeId=\"kept-alive\".*} (\\S+)");

    private static GatewayProcess gateway;
    private static int port;
    private static WebTestClient management;
    private static TestTokens tokens;

    @BeforeAll
    static void startGateway() {
        int managementPort = FreePort.find();
        gateway = GatewayProcess.start(
                List.of("-Dreactor.netty.ioWorkerCount=2"),
                "--spring.data.redis.host=" + TestRedis.shared().host(),
                "--spring.data.redis.port=" + TestRedis.shared().port(),
                "--management.server.port=" + managementPort,
                "--spring.cloud.gateway.server.webflux.httpclient.pool.leasing-strategy=lifo");
        port = gateway.port();
        management = TestClients.to(managementPort);
        tokens = new TestTokens(TestRedis.shared());
    }

    @AfterAll
    static void stopGateway() {
        tokens.close();
        gateway.close();
    }

    private final KeepAliveUpstream upstream = KeepAliveUpstream.shared();
    private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

    @Test
    void clientsThatLeaveEarlyNeverCostAnotherRequestItsUpstreamConnection() throws Exception {
        upstream.clear();
        String valid = tokens.issue("alice", "orders:read");
        Map<String, Double> errorsBefore = gatewayErrors();
        ExecutorService clients = Executors.newFixedThreadPool(LOAD_CLIENTS);
        try {
            burstOfClientsThatLeave(clients, valid);
            for (int round = 0; round < ROUNDS; round++) {
                loadRoundAsAClientLeaves(clients, round, valid);
            }
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(unexpected)
                .as("answers other than 200 for a valid token, 401 otherwise")
                .isEmpty();
        assertThat(upstream.ends())
                .filteredOn(ConnectionEnd::cutShort)
                .as("upstream connections cut short while serving a request whose client stayed")
                .allSatisfy(end -> assertThat(end.lastRequest()).containsAnyOf("/early/", "/held/"));
        assertThat(gatewayErrors())
                .as("5xx on the route, leaving clients' requests included")
                .isEqualTo(errorsBefore);
    }

    /**
     * One request from each of the load's clients, sent at the moment clients that are waiting for their own answers
     * leave, as the upstream sends those answers' bodies: the gateway learns that they are gone while it reads the end
     * of their answers, after which their upstream connections go back to the pool and the load's requests take them.
     */
    private void loadRoundAsAClientLeaves(ExecutorService clients, int round, String valid) throws Exception {
        List<Socket> leaving = new ArrayList<>();
        List<String> held = new ArrayList<>();
        List<Future<?>> sent = new ArrayList<>();
        try {
            for (int i = 0; i < LEAVING_PER_ROUND; i++) {
                String path = "/kept-alive/held/" + round + "/" + i;
                Socket socket = new Socket(TestRedis.HOST, port);
                leaving.add(socket);
                held.add(path);
                socket.getOutputStream().write(request(path, valid));
            }
            for (String path : held) {
                if (!upstream.awaitHeld(path, Duration.ofSeconds(5))) {
                    unexpected.add(path + " (valid token): never reached the upstream");
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            for (int c = 0; c < LOAD_CLIENTS; c++) {
                String path = "/kept-alive/c/" + c + "/" + round;
                sent.add(clients.submit(() -> {
                    go.await();
                    send(path, valid);
                    return null;
                }));
            }
            go.countDown();
            held.forEach(upstream::release);
        } finally {
            for (Socket socket : leaving) {
                socket.close();
            }
        }
        for (Future<?> request : sent) {
            request.get(30, TimeUnit.SECONDS);
        }
    }

    /** One request of the issue's load: 60 % with the valid token, on a connection of its own. */
    private void send(String path, String valid) {
        boolean validToken = ThreadLocalRandom.current().nextInt(10) < 6;
        String status = statusOf(path, validToken ? valid : "unknown-" + path.replace('/', '-'));
        if (!status.equals(validToken ? "200" : "401")) {
            unexpected.add(path + (validToken ? " (valid token): " : " (unknown token): ") + status);
        }
    }

    /** {@link #BURST} requests whose clients each leave within {@link #LEAVE_WITHIN_MICROS}. */
    private void burstOfClientsThatLeave(ExecutorService clients, String token) throws Exception {
        AtomicInteger left = new AtomicInteger();
        List<Future<?>> burst = new ArrayList<>();
        for (int i = 0; i < BURST_CLIENTS; i++) {
            burst.add(clients.submit(() -> {
                for (int n; (n = left.incrementAndGet()) <= BURST; ) {
                    leaveWithin("/kept-alive/early/" + n, token);
                }
            }));
        }
        for (Future<?> sent : burst) {
            sent.get(60, TimeUnit.SECONDS);
        }
    }

    /** Sends a GET with a token, waits a moment, and closes without reading anything. */
    private void leaveWithin(String path, String token) {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.getOutputStream().write(request(path, token));
            LockSupport.parkNanos(
                    TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(LEAVE_WITHIN_MICROS)));
        } catch (IOException e) {
            // a client that leaves does not care how
        }
    }

    /** GET on a connection of its own, read to the end of the answer; the status code or what went wrong. */
    private String statusOf(String path, String token) {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request(path, token));
            return readStatus(socket.getInputStream());
        } catch (IOException e) {
            return e.toString();
        }
    }

    private byte[] request(String path, String token) {
        return ("GET " + path + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one answer with a Content-Length to its end and returns its status code. */
    private static String readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            received.write(buffer, 0, read);
            String text = received.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd >= 0) {
                Matcher length =
                        Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, headEnd));
                if (length.find() && text.length() - headEnd - 4 >= Integer.parseInt(length.group(1))) {
                    return text.substring(9, 12);
                }
            }
        }
        return "connection closed after " + received.size() + " bytes";
    }

    /** Spring Cloud Gateway's count of 5xx answers on the route, by status. */
    private Map<String, Double> gatewayErrors() {
        Map<String, Double> errors = new TreeMap<>();
        for (String series : PrometheusScrape.series(management)) {
            Matcher error = GATEWAY_ERRORS.matcher(series);
            if (error.matches()) {
                errors.merge(error.group(1), Double.parseDouble(error.group(2)), Double::sum);
            }
        }
        return errors;
    }
}
