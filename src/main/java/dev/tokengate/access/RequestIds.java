package dev.tokengate.access;

import dev.tokengate.http.HttpTokens;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id that ties a gateway log line to the upstream's: the client's {@code X-Request-Id} when it sent one,
 * well formed (1 to 128 letters, digits, dots, dashes, underscores: UUIDs, ULIDs, hex ids), a new one otherwise.
 */
final class RequestIds {

    static final int MAX_LENGTH = 128;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /**
     * The client's id if it sent exactly one {@code X-Request-Id} and it is well formed; a new one otherwise. With
     * several, which one a log or an upstream would read is anyone's guess: none is trusted.
     */
    static String chooseFor(List<String> sent) {
        if (sent != null && sent.size() == 1 && isWellFormed(sent.get(0))) {
            return sent.get(0);
        }
        return newId();
    }

    static boolean isWellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!HttpTokens.isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /**
     * 128 random bits as 32 hex digits. Ids need to be unique, not unguessable, so no SecureRandom: it may read
     * from the kernel, which is blocking I/O on an event loop.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
            id[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
        }
        return new String(id);
    }
}
