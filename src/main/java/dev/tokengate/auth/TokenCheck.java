package dev.tokengate.auth;

import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.guard.FailedAttemptGuard;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.token.TokenStore;
import dev.tokengate.token.TokenStoreUnavailableException;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Checks the token a request carries against a policy, with the guard and the metrics: the one token check behind
 * both the gateway's routes and the authorization endpoint other proxies call. It answers with a {@link
 * TokenDecision}, which each of them renders (forwarding, or allowing, or {@link AuthFailureWriter} writing the
 * refusal); it never writes a response itself.
 */
public final class TokenCheck {

    private static final Logger log = LoggerFactory.getLogger(TokenCheck.class);

    private final AuthorizationHeaderParser parser;
    private final TokenStore tokenStore;
    private final AuthMetrics metrics;
    private final FailedAttemptGuard guard;
    private final LastUseRecorder lastUses;

    /**
     * @param tokenStore the lookup chain
     * @param guard counts invalid-token attempts per client address (off: counts nothing, blocks nobody)
     * @param lastUses notes each token found valid, for the admin API's last use
     */
    public TokenCheck(
            AuthProperties properties,
            TokenStore tokenStore,
            FailedAttemptGuard guard,
            LastUseRecorder lastUses,
            MeterRegistry registry) {
        this.parser = new AuthorizationHeaderParser(properties.schemes());
        this.tokenStore = tokenStore;
        this.metrics = new AuthMetrics(registry);
        this.guard = guard;
        this.lastUses = lastUses;
    }

    /**
     * Checks the request's token against {@code policy}, which must require one; counted under {@code routeId}, and
     * the user of an allowed request noted for the access log. Never an error: a store that cannot answer is {@link
     * TokenDecision#UNAVAILABLE}.
     *
     * @param clients how the caller finds the client behind the proxies it trusts, whom the guard counts an unknown
     *     token against; asked only for a request that carries a token
     */
    public Mono<TokenDecision> check(
            ServerWebExchange exchange, ClientAddresses clients, String routeId, RoutePolicy policy) {
        Credentials credentials =
                parser.parse(exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (policy.accepts().certificate() && (!policy.accepts().token() || credentials == Credentials.MISSING)) {
            ClientCertificate certificate = ClientCertificate.of(exchange.getRequest());
            if (certificate != null || !policy.accepts().token()) {
                return checkCertificate(certificate, policy).doOnNext(decided -> count(exchange, routeId, decided));
            }
        }
        if (credentials instanceof Credentials.Token token) {
            String clientAddress = clients.of(exchange).address();
            long blocked = guard.secondsBlocked(clientAddress);
            Mono<TokenDecision> decision = blocked > 0
                    ? Mono.just(whileBlocked(token, policy, blocked))
                    : tokenStore
                            .lookup(token.value())
                            .map(record -> decide(record, policy))
                            .switchIfEmpty(Mono.defer(() -> unknownToken(clientAddress, policy)))
                            .onErrorReturn(TokenStoreUnavailableException.class, TokenDecision.UNAVAILABLE);
            return decision.doOnNext(decided -> count(exchange, routeId, decided));
        }
        AuthFailure failure = AuthFailure.MISSING;
        if (credentials instanceof Credentials.Malformed malformed) {
            log.debug("Malformed credentials: {}", malformed.reason());
            failure = AuthFailure.MALFORMED;
        }
        TokenDecision denied = TokenDecision.Denied.because(failure, policy);
        count(exchange, routeId, denied);
        return Mono.just(denied);
    }

    /**
     * A route's certificate check, for a request that brings no token where one would do. The handshake verified the
     * certificate against the trusted authorities, and its validity period is checked here again, from memory: so an
     * expired certificate is refused whatever Redis holds, or whether it answers. An unregistered certificate does not
     * count against the client address: no one guesses a certificate the handshake accepted.
     */
    private Mono<TokenDecision> checkCertificate(ClientCertificate certificate, RoutePolicy policy) {
        if (certificate == null) {
            return Mono.just(TokenDecision.Denied.because(AuthFailure.CERTIFICATE_MISSING, policy));
        }
        if (!certificate.isValidAt(Instant.now())) {
            return Mono.just(TokenDecision.Denied.because(AuthFailure.CERTIFICATE_EXPIRED, policy));
        }
        return tokenStore
                .lookupHash(certificate.fingerprint())
                .map(record -> decide(record, policy))
                .defaultIfEmpty(TokenDecision.Denied.because(AuthFailure.CERTIFICATE_UNKNOWN, policy))
                .onErrorReturn(TokenStoreUnavailableException.class, TokenDecision.UNAVAILABLE);
    }

    /**
     * A blocked address may not make the gateway look anything up, but a token this instance already knows to be
     * valid costs no lookup: users behind the same address as a guesser (a NAT, a proxy not counted in {@code
     * trusted-proxy-count}) keep working with tokens they used recently here, while the guesser's unknown tokens get 429.
     */
    private TokenDecision whileBlocked(Credentials.Token token, RoutePolicy policy, long blocked) {
        TokenRecord known = tokenStore.knownValid(token.value());
        return known != null ? decide(known, policy) : tooManyAttempts(blocked);
    }

    /** An unknown token counts against the client address, and may be the one that blocks it. */
    private Mono<TokenDecision> unknownToken(String clientAddress, RoutePolicy policy) {
        return guard.recordFailure(clientAddress)
                .map(blocked -> blocked > 0
                        ? tooManyAttempts(blocked)
                        : TokenDecision.Denied.because(AuthFailure.INVALID, policy));
    }

    private static TokenDecision tooManyAttempts(long seconds) {
        return new TokenDecision.Denied(AuthFailure.TOO_MANY_ATTEMPTS, null, seconds);
    }

    /** A valid token counts as used whether or not its scopes suffice. */
    private TokenDecision decide(TokenRecord record, RoutePolicy policy) {
        lastUses.used(record);
        return policy.isSatisfiedBy(record)
                ? new TokenDecision.Allowed(record)
                : TokenDecision.Denied.because(AuthFailure.FORBIDDEN, policy);
    }

    private void count(ServerWebExchange exchange, String routeId, TokenDecision decision) {
        if (decision instanceof TokenDecision.Allowed allowed) {
            metrics.authenticated(routeId);
            exchange.getAttributes()
                    .put(ExchangeAttributes.USER, allowed.token().user());
            return;
        }
        AuthFailure failure =
                decision instanceof TokenDecision.Denied denied ? denied.failure() : AuthFailure.UNAVAILABLE;
        metrics.refused(routeId, failure);
        if (log.isDebugEnabled()) {
            ServerHttpRequest request = exchange.getRequest();
            log.debug("Refused {} {} on route {}: {}", request.getMethod(), request.getPath(), routeId, failure);
        }
    }
}
