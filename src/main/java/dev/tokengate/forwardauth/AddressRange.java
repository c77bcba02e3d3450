package dev.tokengate.forwardauth;

import io.netty.util.NetUtil;
import java.net.InetAddress;

/** An IP address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or a single address. */
record AddressRange(byte[] network, int prefixLength) {

    static boolean isRange(String text) {
        return parse(text) != null;
    }

    /** The range {@code text} names; {@code null} if it names none. Never looks anything up in DNS. */
    static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] network = NetUtil.createByteArrayFromIpAddressString(address);
        if (network == null) {
            return null;
        }
        int bits = network.length * 8;
        if (slash < 0) {
            return new AddressRange(network, bits);
        }
        String length = trimmed.substring(slash + 1);
        if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
            return null;
        }
        return new AddressRange(network, Integer.parseInt(length));
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[whole] & mask) == (network[whole] & mask);
    }
}
