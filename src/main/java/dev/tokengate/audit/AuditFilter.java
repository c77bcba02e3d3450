package dev.tokengate.audit;

import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.http.ExchangeAttributes;
import java.time.Instant;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Records every admin action on the management port, whatever its outcome, once its answer is decided: the entry is
 * added as the answer is committed (so a refusal written by the error handler is recorded with its status) and the
 * answer waits for it. Only requests that presented an admin credential get this far; refusals of the credential
 * itself are Spring Security's, before this filter, and are not admin actions.
 */
public class AuditFilter implements WebFilter, Ordered {

    /**
     * After Spring Security's chain ({@code -100}), which puts the admin credential in the context; before the route
     * endpoint's checks ({@code RouteEndpointFilter}, 0), so that their refusals are recorded too.
     */
    public static final int ORDER = -1;

    private final AuditedRequests requests;
    private final AuditTrail trail;
    private final ClientAddresses clientAddresses;

    public AuditFilter(String actuatorBasePath, AuditTrail trail, ClientAddresses clientAddresses) {
        this.requests = new AuditedRequests(actuatorBasePath);
        this.trail = trail;
        this.clientAddresses = clientAddresses;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        AuditedRequests.Action action = requests.match(
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().pathWithinApplication());
        if (action == null) {
            return chain.filter(exchange);
        }
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .map(Authentication::getName)
                .defaultIfEmpty("-")
                .flatMap(actor -> {
                    exchange.getResponse().beforeCommit(() -> trail.record(entry(exchange, action, actor)));
                    return chain.filter(exchange);
                });
    }

    private AuditEntry entry(ServerWebExchange exchange, AuditedRequests.Action action, String actor) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status == null ? 200 : status.value();
        String target = exchange.getAttributeOrDefault(ExchangeAttributes.AUDIT_TARGET, action.target());
        return new AuditEntry(
                Instant.now(),
                action.action().label(),
                target,
                actor,
                clientAddresses.of(exchange).address(),
                AuditEntry.outcomeOf(code),
                code);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
