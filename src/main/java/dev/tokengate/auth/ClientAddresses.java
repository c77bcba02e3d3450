package dev.tokengate.auth;

import java.net.InetSocketAddress;
import org.springframework.cloud.gateway.support.ipresolver.RemoteAddressResolver;
import org.springframework.cloud.gateway.support.ipresolver.XForwardedRemoteAddressResolver;
import org.springframework.web.server.ServerWebExchange;

/**
 * The address of the client behind a request: the connection's peer, or, behind {@code trusted-proxies} proxies, the
 * X-Forwarded-For entry the outermost trusted proxy added (Spring Cloud Gateway's resolver).
 */
final class ClientAddresses {

    private final RemoteAddressResolver resolver;

    ClientAddresses(int trustedProxies) {
        this.resolver = trustedProxies > 0
                ? XForwardedRemoteAddressResolver.maxTrustedIndex(trustedProxies)
                : new RemoteAddressResolver() {};
    }

    String of(ServerWebExchange exchange) {
        InetSocketAddress address = resolver.resolve(exchange);
        if (address == null) {
            return "unknown";
        }
        return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    }
}
