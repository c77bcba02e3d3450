package dev.tokengate.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TLS ClientHello written byte for byte, for the protocol versions the JDK's own client refuses to offer (it
 * disables TLS 1.0 and 1.1 for itself too): a server's answer to an old client can only be tested by sending it.
 * It offers ECDHE with an ECDSA or RSA certificate on P-256, with GCM (TLS 1.2) or CBC (TLS 1.0, 1.1) ciphers.
 */
public final class RawClientHello {

    public static final int TLS_1_1 = 0x0302;
    public static final int TLS_1_2 = 0x0303;

    /** TLS record content types. */
    public static final int ALERT = 21;

    public static final int HANDSHAKE = 22;

    /** The alert a server sends for a version it does not speak. */
    public static final int PROTOCOL_VERSION = 70;

    private RawClientHello() {}

    /** The server's first record to a ClientHello for {@code version}. */
    public static Answer send(int port, int version) {
        try (Socket socket = new Socket(TestRedis.HOST, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(record(HANDSHAKE, clientHello(version)));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            byte[] body = new byte[in.readUnsignedShort()];
            in.readFully(body);
            return new Answer(type, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record's content type and first bytes: for an alert, level then description; for ServerHello, type 2. */
    public record Answer(int type, byte[] body) {

        public int alertDescription() {
            return body[1] & 0xff;
        }

        public int handshakeType() {
            return body[0] & 0xff;
        }
    }

    private static byte[] clientHello(int version) {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        writeShort(hello, version);
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        hello.writeBytes(random);
        hello.write(0); // no session to resume
        int[] ciphers = version >= TLS_1_2
                ? new int[] {0xC02B, 0xC02F} // ECDHE_ECDSA / ECDHE_RSA with AES_128_GCM_SHA256
                : new int[] {0xC009, 0xC013}; // ECDHE_ECDSA / ECDHE_RSA with AES_128_CBC_SHA
        writeShort(hello, ciphers.length * 2);
        for (int cipher : ciphers) {
            writeShort(hello, cipher);
        }
        hello.write(1); // compression methods: null only
        hello.write(0);
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x000a, new byte[] {0, 2, 0, 0x17}); // supported groups: secp256r1
        extension(extensions, 0x000b, new byte[] {1, 0}); // point formats: uncompressed
        // signature algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
        extension(extensions, 0x000d, new byte[] {0, 6, 4, 3, 8, 4, 4, 1});
        writeShort(hello, extensions.size());
        hello.writeBytes(extensions.toByteArray());

        ByteArrayOutputStream handshake = new ByteArrayOutputStream();
        handshake.write(1); // ClientHello
        handshake.write(hello.size() >>> 16);
        writeShort(handshake, hello.size() & 0xffff);
        handshake.writeBytes(hello.toByteArray());
        return handshake.toByteArray();
    }

    private static byte[] record(int type, byte[] body) {
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(type);
        writeShort(record, 0x0301); // the record version most clients send in a first ClientHello
        writeShort(record, body.length);
        record.writeBytes(body);
        return record.toByteArray();
    }

    private static void extension(ByteArrayOutputStream out, int type, byte[] data) {
        writeShort(out, type);
        writeShort(out, data.length);
        out.writeBytes(data);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xff);
    }
}
