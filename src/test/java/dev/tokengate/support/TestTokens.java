package dev.tokengate.support;

import dev.tokengate.redis.RedisKeys;
import dev.tokengate.token.TokenHashing;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes tokens into the test Redis the way ops or a login service would, through a plain Redis client of its own:
 * {@code HSET auth:token:<sha256 hex> user ... scopes ...}.
 */
public final class TestTokens implements AutoCloseable {

    public static final String DEFAULT_PREFIX = "auth:token:";

    /** The gateway's key names with the default prefix. */
    public static final RedisKeys KEYS = new RedisKeys(DEFAULT_PREFIX);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    public TestTokens(TestRedis redis) {
        this(redis.uri());
    }

    /** Tokens in the Redis at a Lettuce URI, such as a {@code redis-sentinel://} one. */
    public TestTokens(String redisUri) {
        client = RedisClient.create(redisUri);
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

    /** How many times Redis has run each of {@code commands} since it started, from {@code INFO commandstats}. */
    public long commandCalls(String... commands) {
        String stats = redis().info("commandstats");
        long calls = 0;
        for (String command : commands) {
            Matcher matcher = Pattern.compile("cmdstat_" + command.toLowerCase(Locale.ROOT) + ":calls=(\\d+)")
                    .matcher(stats);
            if (matcher.find()) {
                calls += Long.parseLong(matcher.group(1));
            }
        }
        return calls;
    }

    /**
     * Turns Redis's active expiry on or off ({@code DEBUG SET-ACTIVE-EXPIRE}): off, an expired key stays until it is
     * read, and no invalidation announces its end.
     */
    public void activeExpire(boolean on) {
        redis().dispatch(
                        CommandType.DEBUG,
                        new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8)
                                .add("SET-ACTIVE-EXPIRE")
                                .add(on ? 1 : 0));
    }

    /**
     * Makes the whole server unresponsive for {@code duration} ({@code DEBUG SLEEP}), as a long-running command or a
     * stalled disk would. Returns at once; this client's own commands wait for the sleep too.
     */
    public void sleepServer(Duration duration) {
        connection
                .async()
                .dispatch(
                        CommandType.DEBUG,
                        new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(duration.toMillis() / 1000.0));
    }

    /** Kills every connection that has client tracking on ({@code t} among its CLIENT LIST flags); returns how many. */
    public int killTrackingConnections() {
        int killed = 0;
        for (String client : redis().clientList().split("\n")) {
            Matcher flags = Pattern.compile(" flags=(\\S*)").matcher(client);
            Matcher id = Pattern.compile("^id=(\\d+)").matcher(client);
            if (flags.find() && flags.group(1).contains("t") && id.find()) {
                killed += redis().clientKill(KillArgs.Builder.id(Long.parseLong(id.group(1))))
                        .intValue();
            }
        }
        return killed;
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
