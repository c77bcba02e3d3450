package dev.tokengate.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.SocketFactory;

/**
 * Sends bytes exactly as written, for requests that a well-behaved HTTP client refuses to build (control characters,
 * odd whitespace, hostile framing) but an attacker sends all the same.
 */
public final class RawHttpClient {

    private final int port;
    private final SocketFactory sockets;

    public RawHttpClient(int port) {
        this(port, SocketFactory.getDefault());
    }

    /** Over the sockets {@code sockets} makes: TLS ones, say, which offer no ALPN and so speak HTTP/1.1. */
    public RawHttpClient(int port, SocketFactory sockets) {
        this.port = port;
        this.sockets = sockets;
    }

    /** Sends a GET with the given header lines (each without CRLF) and {@code Connection: close}. */
    public Response get(String path, String... headerLines) {
        return request("GET", path, List.of(headerLines), null);
    }

    /**
     * Sends {@code method target HTTP/1.1} with the given header lines (each without CRLF), {@code Connection: close}
     * and, unless {@code body} is null, the body with its {@code Content-Length}. The target goes out byte for byte.
     */
    public Response request(String method, String target, List<String> headerLines, String body) {
        StringBuilder request =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        request.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ")
                    .append(body.getBytes(StandardCharsets.ISO_8859_1).length)
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        if (body != null) {
            request.append(body);
        }
        return send(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Sends {@code head} (a request line, headers and the start of a body that the headers say is longer) and reads
     * the answer without ever sending the rest: for requests the gateway must answer before their body arrives.
     */
    public Response sendHeadAndWait(String head) {
        return send(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Response send(byte[] request) {
        return Response.parse(new String(sendAndReadAll(request), StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes {@code requests} (one, or several pipelined) and returns every byte received until the server closes the
     * connection. A server that leaves it open fails the read after 10 s.
     */
    public byte[] sendAndReadAll(byte[] requests) {
        try (Socket socket = sockets.createSocket(TestRedis.HOST, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(requests);
            out.flush();
            return readUntilClosed(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the server sent before it closed the connection, or reset it. */
    private static byte[] readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                received.write(buffer, 0, read);
            }
        } catch (SocketException reset) {
            if (received.size() == 0) {
                throw reset;
            }
        }
        return received.toByteArray();
    }

    /** The first response on the connection. */
    public record Response(int status, List<String> headerLines, String body) {

        public static Response parse(String raw) {
            int headerEnd = raw.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                throw new IllegalStateException("No complete HTTP response: " + raw);
            }
            String[] lines = raw.substring(0, headerEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
            return new Response(status, headers, raw.substring(headerEnd + 4));
        }

        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headerLines.stream()
                    .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).trim())
                    .findFirst()
                    .orElse(null);
        }
    }
}
