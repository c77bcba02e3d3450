package dev.tokengate.guard;

import io.netty.util.NetUtil;

/**
 * What the brute-force guard counts as one client: an IPv4 address alone, an IPv6 address by its network prefix
 * ({@code /64} by default). One subscriber, or one host, usually gets a whole {@code /64}, and can try a new address
 * from it for every request; counting each alone would never block it and would leave a Redis key per address.
 */
public final class AddressGroups {

    private static final int IPV6_BITS = 128;

    private final int ipv6PrefixLength;

    /** @param ipv6PrefixLength from 1 to 128, checked where it is configured ({@link GuardProperties.Grouping}) */
    public AddressGroups(int ipv6PrefixLength) {
        this.ipv6PrefixLength = ipv6PrefixLength;
    }

    /**
     * The group {@code address} is counted in: an IPv4 address (also one written as IPv4-mapped IPv6) as it is, an
     * IPv6 address as its prefix in canonical form ({@code 2001:db8:1:2::/64}), anything else (a peer that is not an
     * IP address) as it is.
     */
    public String of(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 4) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        if (isIpv4Mapped(bytes)) {
            return NetUtil.bytesToIpAddress(bytes, 12, 4);
        }
        if (ipv6PrefixLength == IPV6_BITS) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        for (int bit = ipv6PrefixLength; bit < IPV6_BITS; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return NetUtil.bytesToIpAddress(bytes) + "/" + ipv6PrefixLength;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
