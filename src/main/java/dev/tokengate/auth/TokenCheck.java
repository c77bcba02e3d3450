package dev.tokengate.auth;

import dev.tokengate.access.AccessLogFilter;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.token.TokenStore;
import dev.tokengate.token.TokenStoreUnavailableException;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

/**
 * Checks the token a request carries against a policy, with the guard, the metrics and the refusal answers: the one
 * token check behind both the gateway's routes and the authorization endpoint other proxies call. A request it
 * refuses is answered here; one it accepts goes on to what the caller does with the valid token.
 */
public final class TokenCheck {

    private static final Logger log = LoggerFactory.getLogger(TokenCheck.class);

    private final AuthorizationHeaderParser parser;
    private final TokenStore tokenStore;
    private final AuthFailureWriter failureWriter;
    private final AuthMetrics metrics;
    private final FailedAttemptGuard guard;
    private final ClientAddresses clientAddresses;
    private final LastUseRecorder lastUses;

    /**
     * @param tokenStore the lookup chain
     * @param guard counts invalid-token attempts per client address (off: counts nothing, blocks nobody)
     * @param clientAddresses says which client address the guard counts
     * @param lastUses notes each token found valid, for the admin API's last use
     */
    public TokenCheck(
            AuthProperties properties,
            TokenStore tokenStore,
            AuthFailureWriter failureWriter,
            FailedAttemptGuard guard,
            ClientAddresses clientAddresses,
            LastUseRecorder lastUses,
            MeterRegistry registry) {
        this.parser = new AuthorizationHeaderParser(properties.schemes());
        this.tokenStore = tokenStore;
        this.failureWriter = failureWriter;
        this.metrics = new AuthMetrics(registry);
        this.guard = guard;
        this.clientAddresses = clientAddresses;
        this.lastUses = lastUses;
    }

    /**
     * Checks the request's token against {@code policy}, which must require one. Counted under {@code routeId}.
     *
     * @param valid what to do with a token that is valid and has the scopes the policy requires
     */
    public Mono<Void> check(
            ServerWebExchange exchange, String routeId, RoutePolicy policy, Function<TokenRecord, Mono<Void>> valid) {
        Credentials credentials =
                parser.parse(exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (credentials instanceof Credentials.Token token) {
            long blocked = guard.secondsBlocked(clientAddress(exchange));
            if (blocked > 0) {
                return whileBlocked(exchange, routeId, policy, token, blocked, valid);
            }
            Mono<TokenRecord> lookup = tokenStore.lookup(token.value());
            AuthDecision known = decidedAlready(lookup, policy);
            return known != null
                    ? act(exchange, routeId, policy, known, valid)
                    : authenticate(lookup, policy).flatMap(decision -> act(exchange, routeId, policy, decision, valid));
        }
        if (credentials instanceof Credentials.Malformed malformed) {
            log.debug("Malformed credentials: {}", malformed.reason());
            return reject(exchange, routeId, policy, AuthFailure.MALFORMED);
        }
        return reject(exchange, routeId, policy, AuthFailure.MISSING);
    }

    /**
     * A blocked address may not make the gateway look anything up, but a token this instance already knows to be
     * valid costs no lookup: users behind the same address as a guesser (a NAT, a proxy not counted in {@code
     * trusted-proxy-count}) keep working with tokens they used recently here, while the guesser's unknown tokens get 429.
     */
    private Mono<Void> whileBlocked(
            ServerWebExchange exchange,
            String routeId,
            RoutePolicy policy,
            Credentials.Token token,
            long blocked,
            Function<TokenRecord, Mono<Void>> valid) {
        TokenRecord known = tokenStore.knownValid(token.value());
        return known != null
                ? act(exchange, routeId, policy, decide(known, policy), valid)
                : tooManyAttempts(exchange, routeId, blocked);
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
            String routeId,
            RoutePolicy policy,
            AuthDecision decision,
            Function<TokenRecord, Mono<Void>> valid) {
        if (decision instanceof AuthDecision.Authenticated authenticated) {
            metrics.authenticated(routeId);
            exchange.getAttributes()
                    .put(AccessLogFilter.USER_ATTRIBUTE, authenticated.token().user());
            return valid.apply(authenticated.token());
        }
        if (decision == AuthFailure.INVALID) {
            return guard.recordFailure(clientAddress(exchange))
                    .flatMap(blocked -> blocked > 0
                            ? tooManyAttempts(exchange, routeId, blocked)
                            : reject(exchange, routeId, policy, AuthFailure.INVALID));
        }
        return reject(exchange, routeId, policy, (AuthFailure) decision);
    }

    private Mono<Void> tooManyAttempts(ServerWebExchange exchange, String routeId, long seconds) {
        metrics.refused(routeId, AuthFailure.TOO_MANY_ATTEMPTS);
        return failureWriter.writeTooManyAttempts(exchange, seconds);
    }

    private Mono<Void> reject(ServerWebExchange exchange, String routeId, RoutePolicy policy, AuthFailure failure) {
        metrics.refused(routeId, failure);
        if (log.isDebugEnabled()) {
            ServerHttpRequest request = exchange.getRequest();
            log.debug("Refused {} {} on route {}: {}", request.getMethod(), request.getPath(), routeId, failure);
        }
        return failureWriter.write(exchange, failure, policy);
    }
}
