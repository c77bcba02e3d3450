package dev.tokengate.access;

import dev.tokengate.http.ExchangeAttributes;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Keeps health probes and Prometheus scrapes on the management port out of the access log, by marking them for
 * {@link AccessLogFilter}, which decides when the request is answered.
 */
class ProbeRequestsFilter implements WebFilter, Ordered {

    private final List<PathPattern> probes;

    ProbeRequestsFilter(String endpointsBasePath) {
        this.probes = List.of(
                PathPatternParser.defaultInstance.parse(endpointsBasePath + "/health/**"),
                PathPatternParser.defaultInstance.parse(endpointsBasePath + "/prometheus"));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        for (PathPattern probe : probes) {
            if (probe.matches(exchange.getRequest().getPath().pathWithinApplication())) {
                exchange.getAttributes().put(ExchangeAttributes.UNLOGGED, Boolean.TRUE);
                break;
            }
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return AccessLogFilter.ORDER + 1;
    }
}
