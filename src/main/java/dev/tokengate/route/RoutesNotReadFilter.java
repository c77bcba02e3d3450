package dev.tokengate.route;

import dev.tokengate.firewall.RequestFirewallFilter;
import dev.tokengate.problem.ProblemResponseWriter;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Fails closed until the routes stored in Redis are in service: an instance that started while Redis was unreachable
 * knows only its YAML routes, and a stored route that narrows one of them (a token-required {@code /public/secret/**}
 * inside a public {@code /public/**}) would be missing, its paths falling to the broader route. Every request on the
 * client port, to a public route or not, gets 503 with {@code Retry-After} until the first read; after it, the routes
 * read last stay in service through any outage. A request that arrives while the first routes are still loading
 * waits for them. The authorization endpoint, which decides by its own policy table, is
 * answered before.
 */
final class RoutesNotReadFilter implements WebFilter, Ordered, ApplicationContextAware {

    /** After the firewall and the authorization endpoint ({@code RequestFirewallFilter.ORDER + 1}). */
    static final int ORDER = RequestFirewallFilter.ORDER + 2;

    static final String DETAIL = "The gateway has not read its routes from Redis yet; try again.";
    static final String RETRY_AFTER_SECONDS = "1";
    /**
     * How long a request arriving during start-up waits for the first routes: milliseconds with Redis up; with Redis
     * unreachable the first read fails within the Redis timeout.
     */
    static final Duration FIRST_REFRESH_WAIT = Duration.ofSeconds(5);

    private final RedisRouteDefinitions routes;
    private final ProblemResponseWriter problems;
    private ApplicationContext context;

    RoutesNotReadFilter(RedisRouteDefinitions routes, ProblemResponseWriter problems) {
        this.routes = routes;
        this.problems = problems;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // The management port's context inherits this filter; its endpoints do not route.
        if (routes.isRead() || exchange.getApplicationContext() != context) {
            return chain.filter(exchange);
        }
        return routes.firstRefresh()
                .timeout(FIRST_REFRESH_WAIT, Mono.empty())
                .then(Mono.defer(() -> routes.isRead() ? chain.filter(exchange) : refuse(exchange)));
    }

    private Mono<Void> refuse(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        return problems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, DETAIL, Map.of());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
