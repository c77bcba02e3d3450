package dev.tokengate.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 connection that writes frames exactly as told, for what a well-behaved client cannot express: a header
 * block that never ends, a thousand resets, a compressed header list that decodes to megabytes. Requests it is asked
 * to send whole are encoded with Netty's HPACK encoder; every frame the server sends is read on a thread of its own.
 */
public final class RawHttp2Connection implements AutoCloseable {

    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int GOAWAY = 7;
    public static final int WINDOW_UPDATE = 8;
    public static final int CONTINUATION = 9;

    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;

    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    public static final int PROTOCOL_ERROR = 0x1;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int ENHANCE_YOUR_CALM = 0xb;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Frame CLOSED = new Frame(-1, 0, 0, new byte[0], null);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final List<Frame> otherStreams = new ArrayList<>();
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private final String authority;
    private volatile Exception closedBy;
    private final Map<Integer, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();

    private RawHttp2Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.authority = "127.0.0.1:" + socket.getPort();
        socket.setSoTimeout(0);
        this.out = socket.getOutputStream();
        // The preface and our SETTINGS go first: the reader acknowledges the server's SETTINGS as soon as they arrive.
        write(PREFACE, encode(SETTINGS, 0, 0, new byte[0]));
        Thread reader = new Thread(this::readFrames, "raw-h2-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** HTTP/2 over cleartext with prior knowledge (h2c), as {@code server.http2.enabled} serves it without TLS. */
    public static RawHttp2Connection cleartext(int port) {
        try {
            return new RawHttp2Connection(new Socket(TestRedis.HOST, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * HTTP/2 over cleartext reached by an HTTP/1.1 request with {@code Upgrade: h2c} (RFC 7540, section 3.2), which
     * becomes stream 1: {@code head} is that request's line and headers, without the upgrade headers, which this adds.
     * Fails unless the server answers 101.
     */
    public static RawHttp2Connection upgraded(int port, String... head) {
        try {
            Socket socket = new Socket(TestRedis.HOST, port);
            socket.setSoTimeout((int) Duration.ofSeconds(15).toMillis());
            String request = String.join("\r\n", head)
                    + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = readHead(socket);
            if (!answer.startsWith("HTTP/1.1 101")) {
                socket.close();
                throw new IllegalStateException("the server did not switch to h2c: " + answer);
            }
            return new RawHttp2Connection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP/1.1 answer's status line and headers, read byte by byte so that nothing after them is consumed. */
    private static String readHead(Socket socket) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        var in = socket.getInputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** HTTP/2 over TLS, chosen by ALPN. */
    public static RawHttp2Connection tls(int port, SSLContext context) {
        try {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(TestRedis.HOST, port);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                throw new IllegalStateException("the server did not choose h2: " + socket.getApplicationProtocol());
            }
            return new RawHttp2Connection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's first SETTINGS frame, as identifier to value. */
    public Map<Integer, Long> serverSettings() {
        Frame settings = awaitFrame(SETTINGS, Duration.ofSeconds(10));
        Map<Integer, Long> values = new HashMap<>();
        ByteBuffer payload = ByteBuffer.wrap(settings.payload());
        while (payload.remaining() >= 6) {
            values.put(payload.getShort() & 0xffff, payload.getInt() & 0xffffffffL);
        }
        return values;
    }

    /** HPACK-encodes a request: pseudo-headers first, then {@code headers} as name-value pairs in order. */
    public byte[] headerBlock(String method, String path, String... headers) {
        Http2Headers all = new DefaultHttp2Headers(false)
                .method(method)
                .scheme(socket instanceof SSLSocket ? "https" : "http")
                .authority(authority)
                .path(path);
        for (int i = 0; i < headers.length; i += 2) {
            all.add(headers[i], headers[i + 1]);
        }
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(0, all, block);
            return ByteBufUtil.getBytes(block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            block.release();
        }
    }

    /** Sends a whole request without a body on {@code stream}. */
    public boolean request(int stream, String method, String path, String... headers) {
        return headers(stream, END_HEADERS | END_STREAM, headerBlock(method, path, headers));
    }

    public boolean headers(int stream, int flags, byte[] block) {
        return frame(HEADERS, flags, stream, block);
    }

    public boolean continuation(int stream, int flags, byte[] block) {
        return frame(CONTINUATION, flags, stream, block);
    }

    public boolean reset(int stream, int errorCode) {
        return frame(
                RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(errorCode).array());
    }

    public boolean windowUpdate(int stream, int increment) {
        return frame(
                WINDOW_UPDATE,
                0,
                stream,
                ByteBuffer.allocate(4).putInt(increment).array());
    }

    /** Writes one frame; false once the server has closed the connection. */
    public boolean frame(int type, int flags, int stream, byte[] payload) {
        return write(encode(type, flags, stream, payload));
    }

    /** A frame's bytes, to {@link #write} with others in one go. */
    public static byte[] encode(int type, int flags, int stream, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).putShort((short) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
        return frame.array();
    }

    /**
     * Writes frames in one write, so that the server reads them together. Returns false once the server has closed the
     * connection, as it does to an attacker; writes after that are not attempted.
     */
    public synchronized boolean write(byte[]... frames) {
        if (socket.isOutputShutdown() || socket.isClosed()) {
            return false;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (byte[] frame : frames) {
                bytes.writeBytes(frame);
            }
            out.write(bytes.toByteArray());
            out.flush();
            return true;
        } catch (IOException closed) {
            try {
                socket.shutdownOutput();
            } catch (IOException ignored) {
                // already gone
            }
            return false;
        }
    }

    /** The next frame of {@code type}, skipping others; fails if none comes within {@code timeout}. */
    public Frame awaitFrame(int type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame frame = next(deadline);
            if (frame == CLOSED) {
                received.add(CLOSED);
                throw new IllegalStateException("connection closed before a frame of type " + type);
            }
            if (frame.type() == type && (type != SETTINGS || (frame.flags() & 0x1) == 0)) {
                return frame;
            }
        }
    }

    /** The response's status on {@code stream}, or its RST_STREAM's error code as a negative number. */
    public int awaitStatus(int stream, Duration timeout) {
        return awaitAnswer(stream, timeout).status();
    }

    /**
     * The whole answer on {@code stream}: status, headers and body, once the server ends the stream. A stream reset
     * instead is an {@link Answer} with the reset's error code as a negative status.
     */
    public Answer awaitAnswer(int stream, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http2Headers headers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Frame frame = nextOn(stream, deadline);
            if (frame == CLOSED) {
                received.add(CLOSED);
                throw new IllegalStateException("connection closed before the answer on stream " + stream, closedBy);
            }
            if (frame.type() == RST_STREAM) {
                return new Answer(
                        -ByteBuffer.wrap(frame.payload()).getInt(), headers, body.toString(StandardCharsets.UTF_8));
            }
            if (frame.type() == HEADERS && headers == null) {
                headers = frame.headers();
            } else if (frame.type() == DATA) {
                body.writeBytes(frame.payload());
            }
            if ((frame.flags() & END_STREAM) != 0) {
                int status = Integer.parseInt(headers.status().toString());
                return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** An answer on one stream. */
    public record Answer(int status, Http2Headers headers, String body) {

        public String header(String name) {
            CharSequence value = headers == null ? null : headers.get(name);
            return value == null ? null : value.toString();
        }
    }

    /**
     * Whether the server sent GOAWAY and closed the connection within {@code timeout}; frames before it are skipped.
     * Returns the GOAWAY's error code, or -1 if the connection was closed without one.
     */
    public int awaitGoAwayAndClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int code = -1;
        while (true) {
            Frame frame = next(deadline);
            if (frame == CLOSED) {
                received.add(CLOSED);
                return code;
            }
            if (frame.type() == GOAWAY) {
                code = ByteBuffer.wrap(frame.payload(), 4, 4).getInt();
            }
        }
    }

    /** Decodes every header block in the order received, as HPACK's shared table requires. */
    private Http2Headers decode(int stream, int flags, byte[] payload) {
        ByteBuf block = Unpooled.wrappedBuffer(blockOfHeaders(flags, payload));
        try {
            return decoder.decodeHeaders(stream, block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        } finally {
            block.release();
        }
    }

    /**
     * The next frame on {@code stream}, or {@link #CLOSED}: frames of other streams read meanwhile are kept for
     * their own {@link #awaitAnswer}, the connection's own (stream 0) are skipped.
     */
    private Frame nextOn(int stream, long deadline) {
        for (Iterator<Frame> kept = otherStreams.iterator(); kept.hasNext(); ) {
            Frame frame = kept.next();
            if (frame.stream() == stream) {
                kept.remove();
                return frame;
            }
        }
        while (true) {
            Frame frame = next(deadline);
            if (frame == CLOSED || frame.stream() == stream) {
                return frame;
            }
            if (frame.stream() != 0) {
                otherStreams.add(frame);
            }
        }
    }

    private Frame next(long deadline) {
        try {
            Frame frame = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new IllegalStateException("no frame from the server in time; received before: " + seen);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void readFrames() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == SETTINGS && (flags & 0x1) == 0) {
                    frame(SETTINGS, 0x1, 0, new byte[0]);
                }
                Http2Headers headers = type == HEADERS ? decode(stream, flags, payload) : null;
                received.add(new Frame(type, flags, stream, payload, headers));
                seen.merge(type == RST_STREAM ? 300 + ByteBuffer.wrap(payload).getInt() : type, 1, Integer::sum);
            }
        } catch (IOException | RuntimeException closed) {
            closedBy = closed;
            received.add(CLOSED);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** A HEADERS frame's header block, without padding or priority fields. */
    private static byte[] blockOfHeaders(int flags, byte[] payload) {
        int start = 0;
        int end = payload.length;
        if ((flags & 0x8) != 0) {
            int padding = payload[0] & 0xff;
            start = 1;
            end -= padding;
        }
        if ((flags & 0x20) != 0) {
            start += 5;
        }
        byte[] block = new byte[end - start];
        System.arraycopy(payload, start, block, 0, block.length);
        return block;
    }

    /** A frame as received; a HEADERS frame's headers decoded. */
    public record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {}
}
