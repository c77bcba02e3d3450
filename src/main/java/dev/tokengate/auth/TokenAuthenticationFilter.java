package dev.tokengate.auth;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Checks the token of every request on a route that needs one, and forwards only what it could check, with the
 * caller's identity in headers the upstream can trust. Client-sent identity headers are removed on every route.
 */
public class TokenAuthenticationFilter implements GlobalFilter, Ordered {

    /**
     * Before the route filters (their orders count up from 1), so a rate limiter keyed on the user sees the identity;
     * before {@code AdaptCachedBodyGlobalFilter} ({@code HIGHEST_PRECEDENCE + 1000}), so a refused body is never read.
     */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 500;

    private final TokenCheck tokenCheck;
    private final ClientAddresses clientAddresses;
    private final AuthFailureWriter refusals;
    private final IdentityHeaders identityHeaders;
    private final boolean forwardCredentials;

    /**
     * Each route's policy, read from its metadata once rather than per request. Keyed by the route object (weak keys
     * compare by identity): a refresh builds new routes, and the old ones' entries go with them.
     */
    private final Cache<Route, RoutePolicy> policies =
            Caffeine.newBuilder().weakKeys().build();

    /** @param clientAddresses the client a refused token counts against, behind the proxies in front of the gateway */
    public TokenAuthenticationFilter(
            AuthProperties properties,
            TokenCheck tokenCheck,
            ClientAddresses clientAddresses,
            AuthFailureWriter refusals) {
        this.tokenCheck = tokenCheck;
        this.clientAddresses = clientAddresses;
        this.refusals = refusals;
        this.identityHeaders = new IdentityHeaders(properties.userHeader(), properties.scopesHeader());
        this.forwardCredentials = properties.forwardCredentials();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getRequiredAttribute(GATEWAY_ROUTE_ATTR);
        RoutePolicy policy = policies.get(route, RoutePolicy::of);
        if (!policy.authRequired()) {
            return chain.filter(withoutClientIdentity(exchange));
        }
        return tokenCheck
                .check(exchange, clientAddresses, route.getId(), policy)
                .flatMap(decision -> decision instanceof TokenDecision.Allowed allowed
                        ? forward(exchange, chain, allowed.token(), policy)
                        : refusals.refuse(exchange, decision));
    }

    private Mono<Void> forward(
            ServerWebExchange exchange, GatewayFilterChain chain, TokenRecord token, RoutePolicy policy) {
        Map<String, Object> attributes = exchange.getAttributes();
        attributes.put(ExchangeAttributes.AUTHENTICATED, token);
        attributes.put(ExchangeAttributes.ROUTE_POLICY, policy);
        List<String> credentials = exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION);
        // none when a client certificate was the credential
        if (!forwardCredentials && credentials != null) {
            attributes.put(ExchangeAttributes.WITHHELD_CREDENTIALS, credentials);
        }
        return chain.filter(withoutClientIdentity(exchange));
    }

    /**
     * The request route filters see: the identity headers are written once, by {@code UpstreamHeadersFilter}, as the
     * request leaves; until then only the client's could be there, and those are removed (copying the headers only
     * when there are some). The checked identity is in {@link #ExchangeAttributes.AUTHENTICATED}.
     */
    private ServerWebExchange withoutClientIdentity(ServerWebExchange exchange) {
        if (!identityHeaders.presentIn(exchange.getRequest().getHeaders())) {
            return exchange;
        }
        ServerHttpRequest request = exchange.getRequest()
                .mutate()
                .headers(identityHeaders::removeFrom)
                .build();
        return exchange.mutate().request(request).build();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
