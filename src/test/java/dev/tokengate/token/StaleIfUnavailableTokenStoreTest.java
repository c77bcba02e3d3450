package dev.tokengate.token;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The window arithmetic of the opt-in degradation, with a store that answers as told and a clock the test moves; the
 * gateway-level behaviour against a stopped Redis is in {@code StaleIfUnavailableIntegrationTest}.
 */
class StaleIfUnavailableTokenStoreTest {

    private static final TokenRecord ALICE = new TokenRecord("alice", "orders:read", "auth:token:aaaa");
    private static final Duration WINDOW = Duration.ofSeconds(30);

    private final AtomicLong nanos = new AtomicLong();
    private final Ticker clock = nanos::get;
    private Mono<TokenRecord> answer = Mono.just(ALICE);
    private final TokenStore store = new TokenStore() {
        @Override
        public Mono<TokenRecord> lookup(String rawToken) {
            return answer;
        }

        @Override
        public Mono<TokenRecord> lookupHash(String sha256Hex) {
            return answer;
        }
    };
    private final StaleIfUnavailableTokenStore stale =
            new StaleIfUnavailableTokenStore(store, WINDOW, new SimpleMeterRegistry(), clock);

    @Test
    void tokenValidatedWithinTheWindowIsAcceptedWhileTheStoreIsUnavailable() {
        StepVerifier.create(stale.lookup("t")).expectNext(ALICE).verifyComplete();

        answer = unavailable();
        nanos.addAndGet(WINDOW.minusSeconds(1).toNanos());

        StepVerifier.create(stale.lookup("t")).expectNext(ALICE).verifyComplete();
    }

    @Test
    void aCertificateIsRememberedByItsFingerprintAsATokenByItsHash() {
        String fingerprint = TokenHashing.sha256Hex("certificate");
        StepVerifier.create(stale.lookupHash(fingerprint)).expectNext(ALICE).verifyComplete();

        answer = unavailable();

        StepVerifier.create(stale.lookupHash(fingerprint)).expectNext(ALICE).verifyComplete();
        StepVerifier.create(stale.lookup("certificate"))
                .as("the token whose hash the fingerprint is: the same entry, as in Redis")
                .expectNext(ALICE)
                .verifyComplete();
        StepVerifier.create(stale.lookupHash(TokenHashing.sha256Hex("other")))
                .expectError(TokenStoreUnavailableException.class)
                .verify();
    }

    @Test
    void tokenValidatedLongerAgoThanTheWindowIsRefusedAsUnavailable() {
        StepVerifier.create(stale.lookup("t")).expectNext(ALICE).verifyComplete();

        answer = unavailable();
        nanos.addAndGet(WINDOW.plusSeconds(1).toNanos());

        StepVerifier.create(stale.lookup("t"))
                .expectError(TokenStoreUnavailableException.class)
                .verify();
    }

    @Test
    void tokenNeverValidatedIsRefusedAsUnavailable() {
        answer = unavailable();

        StepVerifier.create(stale.lookup("t"))
                .expectError(TokenStoreUnavailableException.class)
                .verify();
    }

    @Test
    void tokenFoundUnknownAfterItsValidationIsForgotten() {
        StepVerifier.create(stale.lookup("t")).expectNext(ALICE).verifyComplete();
        answer = Mono.empty();
        StepVerifier.create(stale.lookup("t")).verifyComplete();

        answer = unavailable();

        StepVerifier.create(stale.lookup("t"))
                .expectError(TokenStoreUnavailableException.class)
                .verify();
    }

    private static Mono<TokenRecord> unavailable() {
        return Mono.error(new TokenStoreUnavailableException("down", null));
    }
}
