package dev.tokengate.auth;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tokengate.access.AccessLogFilter;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.token.TokenStore;
import dev.tokengate.token.TokenStoreUnavailableException;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Fuseable;
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

    /** The {@link TokenRecord} of a request whose token was checked and accepted; absent otherwise. */
    public static final String AUTHENTICATED_ATTRIBUTE = TokenAuthenticationFilter.class.getName() + ".authenticated";

    /**
     * The {@code Authorization} values the client sent with a token that was checked and accepted, which are not to
     * reach the upstream; absent when {@code forward-credentials} is on, and on public routes.
     */
    public static final String WITHHELD_CREDENTIALS_ATTRIBUTE =
            TokenAuthenticationFilter.class.getName() + ".withheldCredentials";

    private static final Logger log = LoggerFactory.getLogger(TokenAuthenticationFilter.class);

    private final AuthorizationHeaderParser parser;
    private final TokenStore tokenStore;
    private final IdentityHeaders identityHeaders;
    private final boolean forwardCredentials;
    private final AuthFailureWriter failureWriter;
    private final AuthMetrics metrics;
    private final FailedAttemptGuard guard;
    private final ClientAddresses clientAddresses;
    private final LastUseRecorder lastUses;

    /**
     * Each route's policy, read from its metadata once rather than per request. Keyed by the route object (weak keys
     * compare by identity): a refresh builds new routes, and the old ones' entries go with them.
     */
    private final Cache<Route, RoutePolicy> policies =
            Caffeine.newBuilder().weakKeys().build();

    /**
     * @param tokenStore the lookup chain
     * @param guard counts invalid-token attempts per client address (off: counts nothing, blocks nobody)
     * @param clientAddresses says which client address the guard counts
     * @param lastUses notes each token found valid, for the admin API's last use
     */
    public TokenAuthenticationFilter(
            AuthProperties properties,
            TokenStore tokenStore,
            AuthFailureWriter failureWriter,
            FailedAttemptGuard guard,
            ClientAddresses clientAddresses,
            LastUseRecorder lastUses,
            MeterRegistry registry) {
        this.parser = new AuthorizationHeaderParser(properties.schemes());
        this.tokenStore = tokenStore;
        this.identityHeaders = new IdentityHeaders(properties.userHeader(), properties.scopesHeader());
        this.forwardCredentials = properties.forwardCredentials();
        this.failureWriter = failureWriter;
        this.metrics = new AuthMetrics(registry);
        this.guard = guard;
        this.clientAddresses = clientAddresses;
        this.lastUses = lastUses;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getRequiredAttribute(GATEWAY_ROUTE_ATTR);
        RoutePolicy policy = policies.get(route, RoutePolicy::of);
        if (!policy.authRequired()) {
            return chain.filter(withoutClientIdentity(exchange));
        }
        Credentials credentials =
                parser.parse(exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (credentials instanceof Credentials.Token token) {
            long blocked = guard.secondsBlocked(clientAddress(exchange));
            if (blocked > 0) {
                return whileBlocked(exchange, chain, route, policy, token, blocked);
            }
            Mono<TokenRecord> lookup = tokenStore.lookup(token.value());
            AuthDecision known = decidedAlready(lookup, policy);
            return known != null
                    ? act(exchange, chain, route, policy, known)
                    : authenticate(lookup, policy).flatMap(decision -> act(exchange, chain, route, policy, decision));
        }
        if (credentials instanceof Credentials.Malformed malformed) {
            log.debug("Malformed credentials: {}", malformed.reason());
            return reject(exchange, route, policy, AuthFailure.MALFORMED);
        }
        return reject(exchange, route, policy, AuthFailure.MISSING);
    }

    /**
     * A blocked address may not make the gateway look anything up, but a token this instance already knows to be
     * valid costs no lookup: users behind the same address as a guesser (a NAT, a proxy not counted in {@code
     * trusted-proxies}) keep working with tokens they used recently here, while the guesser's unknown tokens get 429.
     */
    private Mono<Void> whileBlocked(
            ServerWebExchange exchange,
            GatewayFilterChain chain,
            Route route,
            RoutePolicy policy,
            Credentials.Token token,
            long blocked) {
        TokenRecord known = tokenStore.knownValid(token.value());
        return known != null
                ? act(exchange, chain, route, policy, decide(known, policy))
                : tooManyAttempts(exchange, route, blocked);
    }

    private String clientAddress(ServerWebExchange exchange) {
        return clientAddresses.of(exchange).address();
    }

    private Mono<AuthDecision> authenticate(Mono<TokenRecord> lookup, RoutePolicy policy) {
        return lookup.map(record -> decide(record, policy))
                .defaultIfEmpty(AuthFailure.INVALID)
                .onErrorReturn(TokenStoreUnavailableException.class, AuthFailure.UNAVAILABLE);
    }

    /**
     * The decision, if the answer is already at hand: a near-cache hit is a resolved {@code Mono.just} or {@code
     * Mono.empty}, and deciding on it directly spares every request on a hot token a chain of operators.
     */
    private AuthDecision decidedAlready(Mono<TokenRecord> lookup, RoutePolicy policy) {
        if (!(lookup instanceof Fuseable.ScalarCallable<?> resolved)) {
            return null;
        }
        try {
            TokenRecord record = (TokenRecord) resolved.call();
            return record == null ? AuthFailure.INVALID : decide(record, policy);
        } catch (Exception e) {
            return null;
        }
    }

    /** A valid token counts as used whether or not its scopes suffice. */
    private AuthDecision decide(TokenRecord record, RoutePolicy policy) {
        lastUses.used(record);
        return policy.isSatisfiedBy(record) ? new AuthDecision.Authenticated(record) : AuthFailure.FORBIDDEN;
    }

    private Mono<Void> act(
            ServerWebExchange exchange,
            GatewayFilterChain chain,
            Route route,
            RoutePolicy policy,
            AuthDecision decision) {
        if (decision instanceof AuthDecision.Authenticated authenticated) {
            metrics.authenticated(route.getId());
            Map<String, Object> attributes = exchange.getAttributes();
            attributes.put(AUTHENTICATED_ATTRIBUTE, authenticated.token());
            attributes.put(AccessLogFilter.USER_ATTRIBUTE, authenticated.token().user());
            if (!forwardCredentials) {
                attributes.put(
                        WITHHELD_CREDENTIALS_ATTRIBUTE,
                        exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION));
            }
            return chain.filter(withoutClientIdentity(exchange));
        }
        if (decision == AuthFailure.INVALID) {
            return guard.recordFailure(clientAddress(exchange))
                    .flatMap(blocked -> blocked > 0
                            ? tooManyAttempts(exchange, route, blocked)
                            : reject(exchange, route, policy, AuthFailure.INVALID));
        }
        return reject(exchange, route, policy, (AuthFailure) decision);
    }

    private Mono<Void> tooManyAttempts(ServerWebExchange exchange, Route route, long seconds) {
        metrics.refused(route.getId(), AuthFailure.TOO_MANY_ATTEMPTS);
        return failureWriter.writeTooManyAttempts(exchange, seconds);
    }

    /**
     * The request route filters see: the identity headers are written once, by {@code UpstreamHeadersFilter}, as the
     * request leaves; until then only the client's could be there, and those are removed (copying the headers only
     * when there are some). The checked identity is in {@link #AUTHENTICATED_ATTRIBUTE}.
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

    private Mono<Void> reject(ServerWebExchange exchange, Route route, RoutePolicy policy, AuthFailure failure) {
        metrics.refused(route.getId(), failure);
        if (log.isDebugEnabled()) {
            ServerHttpRequest request = exchange.getRequest();
            log.debug("Refused {} {} on route {}: {}", request.getMethod(), request.getPath(), route.getId(), failure);
        }
        return failureWriter.write(exchange, failure, policy);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
