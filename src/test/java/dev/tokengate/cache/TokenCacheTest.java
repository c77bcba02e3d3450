package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.token.StoredToken;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The cache's own rules, on a clock the test moves: which answers may be kept, and for how long. */
class TokenCacheTest {

    private static final String KEY = "auth:token:aaaa";
    private static final TokenRecord ALICE = new TokenRecord("alice", "orders:read", "auth:token:aaaa");

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Ticker clock = nanos::get;
    private final TokenCache cache = new TokenCache(
            new CacheProperties(true, 1000, Duration.ofMinutes(5), Duration.ofSeconds(2)), TokenHashing.SHA256, clock);

    @Test
    void keptAnswerIsServed() {
        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), cache.stamp(KEY));

        StepVerifier.create(cache.get(KEY)).expectNext(ALICE).verifyComplete();
    }

    @Test
    void invalidationDuringTheLookupWinsOverItsAnswer() {
        TokenCache.Stamp beforeLookup = cache.stamp(KEY);
        cache.invalidate(KEY);

        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), beforeLookup);

        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void flushDuringTheLookupWinsOverItsAnswer() {
        TokenCache.Stamp beforeLookup = cache.stamp(KEY);
        cache.invalidateAll();

        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), beforeLookup);

        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void invalidationAfterTheAnswerEndsIt() {
        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), cache.stamp(KEY));

        assertThat(cache.invalidate(KEY)).isTrue();

        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void invalidationOfAnotherKeyLeavesTheAnswer() {
        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), cache.stamp(KEY));

        cache.invalidate("auth:token:bbbb");

        assertThat(cache.get(KEY)).isNotNull();
    }

    @Test
    void validTokenIsNotServedPastItsKeyExpiryCountedFromBeforeTheLookup() {
        TokenCache.Stamp beforeLookup = cache.stamp(KEY);
        nanos.addAndGet(Duration.ofMillis(30).toNanos());
        cache.put(KEY, new StoredToken(ALICE, 1000), beforeLookup);

        nanos.addAndGet(Duration.ofMillis(960).toNanos());
        assertThat(cache.get(KEY)).isNotNull();

        nanos.addAndGet(Duration.ofMillis(20).toNanos());
        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void validTokenWithoutExpiryIsKeptForTheConfiguredTtl() {
        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_EXPIRY), cache.stamp(KEY));

        nanos.addAndGet(Duration.ofMinutes(5).minusMillis(1).toNanos());
        assertThat(cache.get(KEY)).isNotNull();

        nanos.addAndGet(Duration.ofMillis(2).toNanos());
        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void unknownTokenIsRememberedForTheNegativeTtl() {
        cache.put(KEY, new StoredToken(null, StoredToken.NO_KEY), cache.stamp(KEY));

        Mono<TokenRecord> answer = cache.get(KEY);
        assertThat(answer).isNotNull();
        StepVerifier.create(answer).verifyComplete();

        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void tokenWhoseKeyVanishedBetweenItsTwoReadsIsNotKept() {
        cache.put(KEY, new StoredToken(ALICE, StoredToken.NO_KEY), cache.stamp(KEY));

        assertThat(cache.get(KEY)).isNull();
    }

    @Test
    void keysHoldingRawTokensAreInvalidatedByTheRawKey() {
        TokenCache rawKeys = new TokenCache(
                new CacheProperties(true, 1000, Duration.ofMinutes(5), Duration.ofSeconds(2)),
                TokenHashing.NONE,
                clock);
        rawKeys.put(
                "session:raw-secret",
                new StoredToken(ALICE, StoredToken.NO_EXPIRY),
                rawKeys.stamp("session:raw-secret"));

        assertThat(rawKeys.get("session:raw-secret")).isNotNull();
        assertThat(rawKeys.invalidate("session:raw-secret")).isTrue();
        assertThat(rawKeys.get("session:raw-secret")).isNull();
    }
}
