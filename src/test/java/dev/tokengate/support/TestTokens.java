package dev.tokengate.support;

import dev.tokengate.token.TokenHashing;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tokens into the test Redis the way ops or a login service would, through a plain Redis client of its own:
 * {@code HSET auth:token:<sha256 hex> user ... scopes ...}.
 */
public final class TestTokens implements AutoCloseable {

    public static final String DEFAULT_PREFIX = "auth:token:";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    public TestTokens(TestRedis redis) {
        client = RedisClient.create(redis.uri());
        connection = client.connect();
    }

    /** A fresh random token, unique to the calling test. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String keyOf(String token) {
        return DEFAULT_PREFIX + TokenHashing.sha256Hex(token);
    }

    /** Stores a token for {@code user} with the given space-separated scopes ({@code null} for none). */
    public String issue(String user, String scopes) {
        String token = newToken();
        store(keyOf(token), user, scopes);
        return token;
    }

    public void store(String key, String user, String scopes) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("user", user);
        if (scopes != null) {
            fields.put("scopes", scopes);
        }
        redis().hset(key, fields);
    }

    public void expireIn(String token, Duration ttl) {
        redis().pexpire(keyOf(token), ttl.toMillis());
    }

    public void revoke(String token) {
        redis().del(keyOf(token));
    }

    public boolean exists(String key) {
        return redis().exists(key) == 1;
    }

    /** Synchronous commands for anything else a test needs to do to Redis. */
    public RedisCommands<String, String> redis() {
        return connection.sync();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
