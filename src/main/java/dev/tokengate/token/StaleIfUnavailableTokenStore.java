package dev.tokengate.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Opt-in degradation ({@code tokengate.auth.stale-if-unavailable}): while the token store cannot answer, a token that
 * it validated within the configured window is accepted again with the identity it had then. Revocations made while
 * the store is unreachable cannot be seen. An answer that the token is unknown forgets it at once.
 *
 * <p>Tokens are remembered by their SHA-256, never as sent, whatever the key hashing mode.
 */
public class StaleIfUnavailableTokenStore implements TokenStore {

    /** Bounds the memory for the remembered tokens: about 200 bytes each. */
    static final long MAXIMUM_SIZE = 100_000;

    private final TokenStore store;
    private final Cache<String, TokenRecord> validated;
    private final Counter staleAccepted;

    public StaleIfUnavailableTokenStore(TokenStore store, Duration window, MeterRegistry registry, Ticker ticker) {
        this.store = store;
        this.validated = Caffeine.newBuilder()
                .expireAfterWrite(window)
                .maximumSize(MAXIMUM_SIZE)
                .ticker(ticker)
                .build();
        this.staleAccepted = Counter.builder("tokengate.auth.stale.accepted")
                .description("Tokens accepted from an earlier validation while Redis was unavailable")
                .register(registry);
    }

    @Override
    public Mono<TokenRecord> lookup(String rawToken) {
        return remembering(TokenHashing.sha256Hex(rawToken), store.lookup(rawToken));
    }

    @Override
    public Mono<TokenRecord> lookupHash(String sha256Hex) {
        return remembering(sha256Hex, store.lookupHash(sha256Hex));
    }

    private Mono<TokenRecord> remembering(String hash, Mono<TokenRecord> lookup) {
        return lookup.doOnNext(token -> validated.put(hash, token))
                .switchIfEmpty(Mono.fromRunnable(() -> validated.invalidate(hash)))
                .onErrorResume(TokenStoreUnavailableException.class, unavailable -> {
                    TokenRecord remembered = validated.getIfPresent(hash);
                    if (remembered == null) {
                        return Mono.error(unavailable);
                    }
                    staleAccepted.increment();
                    return Mono.just(remembered);
                });
    }

    @Override
    public TokenRecord knownValid(String rawToken) {
        return store.knownValid(rawToken);
    }
}
