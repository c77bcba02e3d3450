package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class RedisTokenStoreTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final TestRedis redis = TestRedis.shared();

    private static TestTokens tokens;
    private static TestRedisConnection connection;
    private static RedisTokenStore store;

    @BeforeAll
    static void connect() {
        tokens = new TestTokens(redis);
        connection = TestRedisConnection.to(redis);
        store = new RedisTokenStore(
                connection.shared(), TestTokens.KEYS, TokenHashing.SHA256, TIMEOUT, new SimpleMeterRegistry());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
        tokens.close();
    }

    @Test
    void validTokenGivesItsUserAndScopes() {
        String token = tokens.issue("alice", "orders:read orders:write");

        StepVerifier.create(store.lookup(token))
                .expectNext(new TokenRecord("alice", "orders:read orders:write", TestTokens.keyOf(token)))
                .verifyComplete();
    }

    @Test
    void tokenWithoutScopesFieldHasEmptyScopes() {
        String token = tokens.issue("bob", null);

        StepVerifier.create(store.lookup(token))
                .expectNext(new TokenRecord("bob", "", TestTokens.keyOf(token)))
                .verifyComplete();
    }

    @Test
    void unknownTokenIsEmpty() {
        StepVerifier.create(store.lookup(TestTokens.newToken())).verifyComplete();
    }

    @Test
    void keyIsTheSha256HexOfTheRawTokenUnderThePrefix() {
        tokens.store("auth:token:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "tester", null);

        StepVerifier.create(store.lookup("test"))
                .expectNext(new TokenRecord(
                        "tester", "", "auth:token:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                .verifyComplete();
    }

    /**
     * Lettuce has no exception type of its own for Redis's {@code WRONGTYPE}: the store reads the error's code, the
     * first word of Redis's reply. Should that ever change, this lookup fails with the error instead of completing.
     */
    @Test
    void keyOfAnotherTypeIsEmptyNotAnError() {
        String token = TestTokens.newToken();
        tokens.redis().rpush(TestTokens.keyOf(token), "alice");

        StepVerifier.create(store.lookup(token)).verifyComplete();
    }

    @Test
    void hashWithoutUserIsEmpty() {
        String token = TestTokens.newToken();
        tokens.redis().hset(TestTokens.keyOf(token), "scopes", "orders:read");

        StepVerifier.create(store.lookup(token)).verifyComplete();
    }

    @Test
    void valueThatWouldSplitTheUpstreamRequestIsEmpty() {
        String token = TestTokens.newToken();
        tokens.store(TestTokens.keyOf(token), "alice", "orders:read\r\nX-Admin: yes");

        StepVerifier.create(store.lookup(token)).verifyComplete();
    }

    @Test
    void noneHashingLooksUpTheRawTokenAsKey() {
        String token = TestTokens.newToken();
        tokens.store("session:" + token, "dave", "profile");
        RedisTokenStore rawStore = new RedisTokenStore(
                connection.shared(), new RedisKeys("session:"), TokenHashing.NONE, TIMEOUT, new SimpleMeterRegistry());

        StepVerifier.create(rawStore.lookup(token))
                .expectNext(new TokenRecord("dave", "profile", "session:" + token))
                .verifyComplete();
    }

    @Test
    void unreachableRedisIsAnErrorWithinTheTimeout() {
        try (TestRedisConnection nowhere = TestRedisConnection.toNowhere()) {
            RedisTokenStore unreachable = new RedisTokenStore(
                    nowhere.shared(), TestTokens.KEYS, TokenHashing.SHA256, TIMEOUT, new SimpleMeterRegistry());

            StepVerifier.create(unreachable.lookup(TestTokens.newToken()))
                    .expectError(TokenStoreUnavailableException.class)
                    .verify(TIMEOUT.multipliedBy(2));
        }
    }

    @Test
    void sha256HexMatchesWhatOpsComputeWithSha256sum() {
        // printf %s 'test' | sha256sum
        assertThat(TokenHashing.sha256Hex("test"))
                .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    }
}
