package dev.tokengate.firewall;

import dev.tokengate.access.AccessLogFilter;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses every request whose path or method is not canonical before any route is matched or any guard decides, on
 * both ports (the management server's context includes the main context's web filters). A request that passes goes
 * on with the firewall's view of it, which also refuses control characters in headers and query parameters when they
 * are read.
 */
public final class RequestFirewallFilter implements WebFilter, Ordered {

    /** Right after the access log, so that a refused request is logged with its request id too. */
    public static final int ORDER = AccessLogFilter.ORDER + 1;

    private final ServerWebExchangeFirewall firewall;
    private final RequestRejections rejections;

    RequestFirewallFilter(ServerWebExchangeFirewall firewall, RequestRejections rejections) {
        this.firewall = firewall;
        this.rejections = rejections;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .flatMap(checked -> {
                    exchange.getAttributes().put(RequestRejections.REQUEST_LINE_CHECKED, Boolean.TRUE);
                    return chain.filter(checked);
                })
                .onErrorResume(
                        ServerExchangeRejectedException.class, rejected -> rejections.handle(exchange, rejected));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
