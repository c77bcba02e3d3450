package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestRedis;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Request bodies pass through the gateway as a stream, and the body of a refused request is never read. */
class RequestBodyIntegrationTest extends GatewayIntegrationTest {

    private static final long TWO_HUNDRED_MB = 200L * 1024 * 1024;

    /**
     * The upstream receives the first bytes before the client has sent the last ones: the gateway holds no more than
     * a few buffers of the body at any time, whatever its size.
     */
    @Test
    void twoHundredMegabyteBodyIsStreamedToTheUpstream() throws Exception {
        String token = tokens.issue("alice", "orders:read");
        AtomicLong lastByteSentAt = new AtomicLong();
        HttpRequest upload = HttpRequest.newBuilder(
                        URI.create("http://" + TestRedis.HOST + ":" + port + "/orders/upload"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(TWO_HUNDRED_MB, lastByteSentAt)))
                .build();

        HttpResponse<String> response = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(upload, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.bodyBytes()).isEqualTo(TWO_HUNDRED_MB);
        assertThat(upstream.firstBodyByteAt()).isPositive().isLessThan(lastByteSentAt.get());
        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("alice");
    }

    /**
     * The client announces 200 MB and sends a few bytes: the refusal comes at once, without waiting for (or reading)
     * the rest, and the connection is closed rather than drained.
     */
    @Test
    void refusedRequestIsAnsweredWithoutReadingItsBody() {
        String head = "POST /orders/upload HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer unknown-token\r\n"
                + "Content-Length: " + TWO_HUNDRED_MB + "\r\n\r\n"
                + "the first few bytes of a very large body";

        RawHttpClient.Response response = new RawHttpClient(port).sendHeadAndWait(head);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(upstream.requestCount()).isZero();
        assertThat(upstream.bodyBytes()).isZero();
    }

    /** Zeros, {@code size} of them, noting when the last one was handed over. */
    private static final class Zeros extends InputStream {

        private final AtomicLong lastByteSentAt;
        private long remaining;

        Zeros(long size, AtomicLong lastByteSentAt) {
            this.remaining = size;
            this.lastByteSentAt = lastByteSentAt;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : 0;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                lastByteSentAt.compareAndSet(0, System.nanoTime());
                return -1;
            }
            int count = (int) Math.min(length, remaining);
            Arrays.fill(buffer, offset, offset + count, (byte) 0);
            remaining -= count;
            return count;
        }
    }
}
