package dev.tokengate.clientaddress;

import java.util.List;

/**
 * Who sent a request, as far as the gateway can trust: the client's address, and the hops from it to the gateway
 * (the client, each trusted proxy's view of the next, and the connection's peer), in order.
 *
 * @param address the address the brute-force guard counts and the upstream receives as {@code X-Real-IP}
 * @param hops what the upstream receives as {@code X-Forwarded-For}, starting with {@code address}
 */
public record ClientAddress(String address, List<String> hops) {

    /** {@code X-Forwarded-For}'s form of the hops: {@code client, proxy, peer}. */
    public String forwardedFor() {
        return String.join(", ", hops);
    }
}
