package dev.tokengate.assertion;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tokengate.cache.InvalidationListener;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;

/**
 * Signs the assertions of checked requests, and reuses each until 10 s before its expiry (a quarter of its life if
 * that is shorter), by credential and audience, so that a busy credential costs a signature a minute rather than one
 * per request. A credential's
 * assertions go when the near cache hears that it changed; one whose user or scopes differ from the request's record
 * is never served, whatever the order of a change and a request.
 */
public final class IdentityAssertions implements InvalidationListener {

    /** How long before its expiry an assertion is replaced: the least life one reaches an upstream with. */
    static final long REFRESH_BEFORE_EXPIRY_MILLIS = 10_000;

    private final SigningKey key;
    private final String issuer;
    private final long lifetimeMillis;
    private final boolean byDefault;
    private final TokenHashing hashing;
    private final LongSupplier clock;
    private final Counter signatures;
    private final Cache<String, Map<String, Signed>> byCredential;
    private final Cache<Route, RouteAssertion> routes =
            Caffeine.newBuilder().weakKeys().build();

    IdentityAssertions(
            AssertionKeys keys,
            AssertionProperties properties,
            int maxCredentials,
            TokenHashing hashing,
            MeterRegistry registry,
            LongSupplier clock) {
        this.key = keys.signing();
        this.issuer = properties.issuer();
        this.lifetimeMillis = properties.lifetime().toMillis();
        this.byDefault = properties.enabled();
        this.hashing = hashing;
        this.clock = clock;
        this.signatures = Counter.builder("tokengate.assertions.signed")
                .description("Identity assertions signed; each is reused until shortly before its expiry")
                .register(registry);
        this.byCredential = Caffeine.newBuilder().maximumSize(maxCredentials).build();
    }

    /** The assertion for the request's route and checked credential; null when its route carries none. */
    public String assertionFor(ServerWebExchange exchange, TokenRecord credential) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (route == null) {
            return null;
        }
        RouteAssertion assertion = routes.get(route, found -> RouteAssertion.of(found, byDefault));
        return assertion.carried() ? assertionFor(credential, assertion.audience()) : null;
    }

    String assertionFor(TokenRecord credential, String audience) {
        long now = clock.getAsLong();
        Map<String, Signed> audiences =
                byCredential.get(hashing.keptInMemory(credential.key()), k -> new ConcurrentHashMap<>());
        Signed cached = audiences.get(audience);
        if (cached != null && cached.serves(credential, now)) {
            return cached.jws();
        }
        Signed fresh = sign(credential, audience, now);
        audiences.put(audience, fresh);
        return fresh.jws();
    }

    private Signed sign(TokenRecord credential, String audience, long now) {
        long issuedAt = now / 1000 * 1000;
        long expiresAt = Math.min(issuedAt + lifetimeMillis, credential.expiresAtMillis() / 1000 * 1000);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(credential.user())
                .issueTime(new Date(issuedAt))
                .expirationTime(new Date(expiresAt))
                .jwtID(newId());
        if (!credential.scopes().isEmpty()) {
            claims.claim("scope", credential.scopes());
        }
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jws())
                .keyID(key.id())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Identity assertion could not be signed: " + e.getMessage(), e);
        }
        signatures.increment();
        long reuseUntil = expiresAt - Math.min(REFRESH_BEFORE_EXPIRY_MILLIS, (expiresAt - now) / 4);
        return new Signed(jwt.serialize(), credential.user(), credential.scopes(), reuseUntil);
    }

    // Unique is all a jti must be; a SecureRandom here could read the system's entropy on an event loop.
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
    }

    @Override
    public void invalidated(String redisKey) {
        byCredential.invalidate(hashing.keptInMemory(redisKey));
    }

    /** Off the caller's thread, usually Redis's event loop: a credential's changed record is not served anyway. */
    @Override
    public void invalidatedAll() {
        ForkJoinPool.commonPool().execute(byCredential::invalidateAll);
    }

    private record Signed(String jws, String user, String scopes, long reuseUntilMillis) {

        boolean serves(TokenRecord credential, long now) {
            return now < reuseUntilMillis && user.equals(credential.user()) && scopes.equals(credential.scopes());
        }
    }
}
