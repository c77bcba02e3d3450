package dev.tokengate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RawHttp2Connection;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The client port's HTTP/2 limits against the attacks they exist for, written frame by frame over h2c (the same
 * settings apply to h2 over TLS). After each attack, another client is still served, and the upstream (one of this
 * class's own) received nothing the attack sent.
 */
@ExtendWith(OutputCaptureExtension.class)
class Http2LimitsIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static RecordingUpstream upstream;
    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startGateway() {
        upstream = RecordingUpstream.start(0);
        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(
                TestRedis.shared(),
                "server.http2.enabled=true",
                "test.upstream.url=" + upstream.url(),
                "management.server.port=0");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        tokens.close();
        upstream.stop();
    }

    @BeforeEach
    void clear() {
        upstream.clear();
    }

    @Test
    void theServersSettingsAnnounceTheLimits() {
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
            Map<Integer, Long> settings = connection.serverSettings();

            assertThat(settings)
                    .containsEntry(RawHttp2Connection.SETTINGS_MAX_CONCURRENT_STREAMS, 100L)
                    .containsEntry(RawHttp2Connection.SETTINGS_MAX_HEADER_LIST_SIZE, 8192L);
        }
    }

    /** A hundred uploads held open; the hundred-and-first stream is refused, and may be retried elsewhere. */
    @Test
    void aStreamBeyondTheConcurrentLimitIsRefused() {
        String token = tokens.issue("alice", "orders:read orders:write");
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
            connection.serverSettings();
            for (int i = 0; i < 100; i++) {
                connection.headers(
                        1 + 2 * i,
                        RawHttp2Connection.END_HEADERS,
                        connection.headerBlock("POST", "/orders/" + i, "authorization", "Bearer " + token));
            }
            connection.request(201, "GET", "/orders/extra", "authorization", "Bearer " + token);

            assertThat(connection.awaitStatus(201, TIMEOUT)).isEqualTo(-RawHttp2Connection.REFUSED_STREAM);
        }
        assertServed(token);
        assertNothingReachedTheUpstreamFor("/orders/extra");
    }

    /**
     * A header block that never ends: CONTINUATION frames, empty or full, until the server gives up. The connection
     * is closed with GOAWAY; no request is made of what was sent.
     */
    @Test
    void aContinuationFloodClosesTheConnection() {
        for (boolean empty : new boolean[] {true, false}) {
            try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
                connection.serverSettings();
                connection.headers(1, 0, connection.headerBlock("GET", "/orders/flood"));
                byte[] fragment = empty ? new byte[0] : literalHeaders(1000);
                long until = System.nanoTime() + TIMEOUT.toNanos();
                while (System.nanoTime() < until && connection.continuation(1, 0, fragment)) {
                    // until the server closes the connection
                }

                assertThat(connection.awaitGoAwayAndClose(TIMEOUT))
                        .as("GOAWAY before the close (empty fragments: %s)", empty)
                        .isPositive();
            }
        }
        assertNothingReachedTheUpstreamFor("/orders/flood");
        assertServed(tokens.issue("alice", "orders:read"));
    }

    /**
     * HPACK lets 8 kB on the wire decode to megabytes: one large header put in the dynamic table, then named again
     * by its one-byte index. The request is refused as the list passes the limit, and never reaches the upstream.
     */
    @Test
    void aHeaderListBombIsRefused() {
        String token = tokens.issue("alice", "orders:read");
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
            connection.serverSettings();
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            block.writeBytes(connection.headerBlock("GET", "/orders/bomb", "authorization", "Bearer " + token));
            block.write(0x40); // literal with incremental indexing, new name
            writeString(block, "x-bomb");
            writeString(block, "a".repeat(4000));
            byte[] references = new byte[3000];
            Arrays.fill(references, (byte) 0xbe); // indexed: dynamic table entry 62, the bomb
            block.writeBytes(references);
            connection.headers(1, RawHttp2Connection.END_HEADERS | RawHttp2Connection.END_STREAM, block.toByteArray());

            int answer = connection.awaitStatus(1, TIMEOUT);
            assertThat(answer).isEqualTo(431);
        }
        assertNothingReachedTheUpstreamFor("/orders/bomb");
        assertServed(token);
    }

    /** Rapid reset (CVE-2023-44487): open a stream, cancel it, again and again. */
    @Test
    void rapidResetClosesTheConnection() {
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
            connection.serverSettings();
            for (int stream = 1; stream < 2 * 1000; stream += 2) {
                connection.request(stream, "GET", "/orders/1");
                if (!connection.reset(stream, RawHttp2Connection.CANCEL)) {
                    break;
                }
            }

            assertThat(connection.awaitGoAwayAndClose(TIMEOUT)).isEqualTo(RawHttp2Connection.ENHANCE_YOUR_CALM);
        }
        assertServed(tokens.issue("alice", "orders:read"));
    }

    /**
     * MadeYouReset (CVE-2025-8671): the client never resets a stream itself but makes the server do it, here with a
     * WINDOW_UPDATE of zero on each upload it starts, which the server must answer with RST_STREAM while the upload is
     * on its way to the upstream.
     */
    @Test
    void resetsTheClientProvokesCloseTheConnection(CapturedOutput output) {
        String token = tokens.issue("alice", "orders:read");
        try (RawHttp2Connection connection = RawHttp2Connection.cleartext(gateway.port())) {
            connection.serverSettings();
            provokeResets(connection, 1, token);

            assertThat(connection.awaitGoAwayAndClose(TIMEOUT)).isEqualTo(RawHttp2Connection.ENHANCE_YOUR_CALM);
        }
        assertServed(token);
        assertThat(output.getOut())
                .as("the client's errors are not the gateway's")
                .doesNotContain("500 answering");
    }

    /**
     * A connection that became HTTP/2 by {@code Upgrade: h2c} gets its HTTP/2 parts later than one that starts with
     * the preface: after a whole HTTP/1.1 request, not on its first bytes. Its limits are the same.
     */
    @Test
    void aConnectionUpgradedFromHttp11HasTheSameLimits() {
        String token = tokens.issue("alice", "orders:read");
        try (RawHttp2Connection connection = RawHttp2Connection.upgraded(
                gateway.port(), "GET /orders/upgraded HTTP/1.1", "Host: localhost", "Authorization: Bearer " + token)) {
            assertThat(connection.serverSettings())
                    .containsEntry(RawHttp2Connection.SETTINGS_MAX_CONCURRENT_STREAMS, 100L);
            assertThat(connection.awaitStatus(1, TIMEOUT))
                    .as("the upgrade request, answered as stream 1")
                    .isEqualTo(200);
            assertThat(upstream.requests()).anyMatch(request -> request.uri().equals("/orders/upgraded"));

            provokeResets(connection, 3, token);

            assertThat(connection.awaitGoAwayAndClose(TIMEOUT)).isEqualTo(RawHttp2Connection.ENHANCE_YOUR_CALM);
        }
        assertServed(token);
    }

    /** Starts uploads from {@code firstStream} on, each followed by a WINDOW_UPDATE of zero, until the server closes. */
    static void provokeResets(RawHttp2Connection connection, int firstStream, String token) {
        for (int stream = firstStream; stream < firstStream + 2 * 1000; stream += 2) {
            byte[] request = RawHttp2Connection.encode(
                    RawHttp2Connection.HEADERS,
                    RawHttp2Connection.END_HEADERS,
                    stream,
                    connection.headerBlock("POST", "/orders/1", "authorization", "Bearer " + token));
            byte[] zeroIncrement = RawHttp2Connection.encode(RawHttp2Connection.WINDOW_UPDATE, 0, stream, new byte[4]);
            if (!connection.write(request, zeroIncrement)) {
                break;
            }
        }
    }

    /**
     * By path, not by count: requests of an earlier attack that were already on their way upstream may still arrive.
     */
    private static void assertNothingReachedTheUpstreamFor(String path) {
        assertThat(upstream.requests()).noneMatch(request -> request.uri().equals(path));
    }

    private static void assertServed(String token) {
        try (RawHttp2Connection other = RawHttp2Connection.cleartext(gateway.port())) {
            other.request(1, "GET", "/orders/served", "authorization", "Bearer " + token);
            assertThat(other.awaitStatus(1, TIMEOUT)).isEqualTo(200);
        }
        assertThat(upstream.requests()).anyMatch(request -> request.uri().equals("/orders/served"));
    }

    /** HPACK literal headers without indexing, new names, about {@code bytes} long in all. */
    private static byte[] literalHeaders(int bytes) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (int i = 0; block.size() < bytes; i++) {
            block.write(0x00);
            writeString(block, "x-filler-" + i);
            writeString(block, "f".repeat(60));
        }
        return block.toByteArray();
    }

    /** An HPACK string literal, not Huffman-coded, with its length as a 7-bit-prefix integer. */
    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        int length = bytes.length;
        if (length < 127) {
            out.write(length);
        } else {
            out.write(127);
            length -= 127;
            while (length >= 128) {
                out.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            out.write(length);
        }
        out.writeBytes(bytes);
    }
}
