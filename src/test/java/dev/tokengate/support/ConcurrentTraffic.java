package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/**
 * Steady requests from a few client threads while a test breaks something. Every request carries its own
 * {@code X-Request-Id}, so a test can match each answer with what reached the {@link RecordingUpstream}.
 */
public final class ConcurrentTraffic implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ExecutorService workers;
    private final Queue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private ConcurrentTraffic(
            int port, String path, List<String> validTokens, List<String> invalidTokens, int threads) {
        workers = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            workers.execute(() -> {
                while (running) {
                    boolean valid = invalidTokens.isEmpty()
                            || ThreadLocalRandom.current().nextInt(4) > 0;
                    List<String> pool = valid ? validTokens : invalidTokens;
                    send(port, path, pool.get(ThreadLocalRandom.current().nextInt(pool.size())), valid);
                }
            });
        }
    }

    /**
     * Starts {@code threads} clients sending GET {@code path}: three in four requests with one of {@code validTokens},
     * the others with one of {@code invalidTokens} (if any).
     */
    public static ConcurrentTraffic start(
            int port, String path, List<String> validTokens, List<String> invalidTokens, int threads) {
        return new ConcurrentTraffic(port, path, validTokens, invalidTokens, threads);
    }

    private void send(int port, String path, String token, boolean valid) {
        String requestId = UUID.randomUUID().toString().replace("-", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + TestRedis.HOST + ":" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", requestId)
                .timeout(REQUEST_TIMEOUT)
                .build();
        Instant sent = Instant.now();
        long started = System.nanoTime();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        exchanges.add(new Exchange(requestId, sent, valid, status, Duration.ofNanos(System.nanoTime() - started)));
    }

    /** The answers so far, in the order they arrived. */
    public List<Exchange> exchanges() {
        return new ArrayList<>(exchanges);
    }

    /** Stops the clients after their current request and returns every answer. */
    public List<Exchange> stop() {
        running = false;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(REQUEST_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Traffic clients did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exchanges();
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until at least {@code atLeast} answers had {@code status}; the failure message counts answers by status. */
    public void awaitAnswers(HttpStatus status, int atLeast, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            List<Exchange> answers = exchanges();
            assertThat(count(answers, status))
                    .as(() -> "answers so far by status: "
                            + answers.stream().collect(Collectors.groupingBy(Exchange::status, Collectors.counting())))
                    .isGreaterThanOrEqualTo(atLeast);
        });
    }

    public static int count(List<Exchange> exchanges, HttpStatus status) {
        return (int) exchanges.stream()
                .filter(exchange -> exchange.status() == status.value())
                .count();
    }

    /**
     * Every answer is an ordinary one (200, 401) or a 503 given within {@code unavailableBound}; only valid tokens
     * answered 200 reached the upstream ({@code forwarded} request ids), and every one of those did.
     */
    public static void assertNothingUncheckedGotThrough(
            List<Exchange> exchanges, Set<String> forwarded, Duration unavailableBound) {
        assertThat(exchanges).allSatisfy(exchange -> {
            assertThat(exchange.status()).isIn(200, 401, 503);
            if (exchange.status() == 200) {
                assertThat(exchange.validToken()).isTrue();
                assertThat(forwarded).contains(exchange.requestId());
            } else {
                assertThat(forwarded).doesNotContain(exchange.requestId());
            }
            if (exchange.status() == 503) {
                assertThat(exchange.elapsed()).isLessThan(unavailableBound);
            }
        });
    }

    /** One request and its answer; {@code status} is -1 if the connection failed. */
    public record Exchange(String requestId, Instant sent, boolean validToken, int status, Duration elapsed) {}
}
