package dev.tokengate.clientaddress;

import dev.tokengate.http.ExchangeAttributes;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * The address of the client behind a request. With no trusted proxies it is the connection's peer. Behind {@code
 * trusted-proxy-count} proxies that each append the address they received the request from, it is the entry the
 * outermost of them added: counted from the right of the list, since everything to the left of it came from the
 * client and proves nothing.
 *
 * <p>The list is every {@code X-Forwarded-For} line (or every {@code Forwarded} {@code for=} parameter) in order:
 * RFC 9110 section 5.3 makes several lines of a header one comma-separated list, as HAProxy's {@code option
 * forwardfor} relies on when it adds a line of its own. Entries are compared and kept as IP addresses in their
 * canonical text (RFC 5952 for IPv6), without ports; one that is not an IP address (RFC 7239's {@code unknown} or an
 * obfuscated name) tells nothing about the client, who then counts as the connection's peer. No entry is ever looked
 * up in DNS.
 */
public final class ClientAddresses {

    static final String UNKNOWN = "unknown";

    private final int trustedProxyCount;
    private final ClientAddressHeader header;

    public ClientAddresses(int trustedProxyCount, ClientAddressHeader header) {
        this.trustedProxyCount = trustedProxyCount;
        this.header = header;
    }

    public ClientAddress of(ServerWebExchange exchange) {
        ClientAddress known = exchange.getAttribute(ExchangeAttributes.CLIENT_ADDRESS);
        if (known == null) {
            known = resolve(exchange);
            exchange.getAttributes().put(ExchangeAttributes.CLIENT_ADDRESS, known);
        }
        return known;
    }

    private ClientAddress resolve(ServerWebExchange exchange) {
        String peer = peer(exchange.getRequest().getRemoteAddress());
        List<String> listed = trustedProxyCount == 0
                ? List.of()
                : listed(exchange.getRequest().getHeaders());
        if (listed.isEmpty()) {
            return new ClientAddress(peer, List.of(peer));
        }
        List<String> hops =
                new ArrayList<>(listed.subList(Math.max(0, listed.size() - trustedProxyCount), listed.size()));
        hops.add(peer);
        String client = hops.get(0);
        return new ClientAddress(client.equals(UNKNOWN) ? peer : client, List.copyOf(hops));
    }

    private List<String> listed(HttpHeaders headers) {
        List<String> lines = headers.get(header.headerName());
        if (lines == null) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String line : lines) {
            for (String element : ForwardedLists.elements(line)) {
                String node = header == ClientAddressHeader.FORWARDED ? ForwardedLists.forParameter(element) : element;
                entries.add(canonical(node));
            }
        }
        return entries;
    }

    private static String peer(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return UNKNOWN;
        }
        return NetUtil.toAddressString(remote.getAddress());
    }

    /** The IP address in {@code node} (brackets and port removed) in canonical text, or {@link #UNKNOWN}. */
    static String canonical(String node) {
        String address = node.trim();
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            address = close < 0 ? "" : address.substring(1, close);
        } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
            address = address.substring(0, address.indexOf(':'));
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        return bytes == null ? UNKNOWN : NetUtil.bytesToIpAddress(bytes);
    }
}
