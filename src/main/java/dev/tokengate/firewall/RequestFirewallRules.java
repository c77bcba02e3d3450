package dev.tokengate.firewall;

import dev.tokengate.http.HttpTokens;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What a request must look like before anything decides on it: Spring Security's {@link
 * StrictServerWebExchangeFirewall} with every rule it has left on, after two rules its servlet sibling has and the
 * reactive one lacks.
 *
 * <p>The strict firewall refuses any path that the router, a guard and an upstream could read differently: dot
 * segments ({@code .}, {@code ..}, also percent-encoded, in any case), {@code ;} path parameters, encoded {@code /},
 * {@code \} and {@code %}, backslashes, {@code //}, NUL, CR and LF; and methods outside {@link #ALLOWED_METHODS},
 * which also keeps made-up methods out of every metric. Before it, this refuses a raw path with anything but
 * printable ASCII (RFC 3986 wants the rest percent-encoded; read as Latin-1 by one hop and UTF-8 by the next, it
 * names two different resources) and a decoded path with a control character.
 */
final class RequestFirewallRules implements ServerWebExchangeFirewall {

    /** The strict firewall's default set, named here because the rejection answer depends on it. */
    static final Set<HttpMethod> ALLOWED_METHODS = Set.of(
            HttpMethod.DELETE,
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.OPTIONS,
            HttpMethod.PATCH,
            HttpMethod.POST,
            HttpMethod.PUT);

    private final StrictServerWebExchangeFirewall strict;

    RequestFirewallRules() {
        strict = new StrictServerWebExchangeFirewall();
        strict.setAllowedHttpMethods(ALLOWED_METHODS);
    }

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        if (!HttpTokens.isPrintableAscii(request.getURI().getRawPath())
                || hasControlCharacter(request.getURI().getPath())) {
            return Mono.error(new ServerExchangeRejectedException(
                    "The request was rejected because the URL contained a character outside printable ASCII"));
        }
        return strict.getFirewalledExchange(exchange);
    }

    private static boolean hasControlCharacter(String decodedPath) {
        for (int i = 0; i < decodedPath.length(); i++) {
            if (Character.isISOControl(decodedPath.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
