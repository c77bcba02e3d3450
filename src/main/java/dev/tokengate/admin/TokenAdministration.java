package dev.tokengate.admin;

import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.SharedRedisConnection;
import dev.tokengate.token.TokenHashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Issues, lists and revokes tokens in Redis, keeping each user's index ({@code auth:user:<user>:tokens}, a set of
 * token hashes) consistent with the token keys: every change to both runs as one Lua script, so no reader ever sees
 * one without the other. Index members whose token has expired are pruned whenever the index is read.
 */
public class TokenAdministration {

    public static final String USER_INDEX_PREFIX = "auth:user:";
    public static final String USER_INDEX_SUFFIX = ":tokens";
    static final int HASH_PREFIX_LENGTH = 12;

    private static final String ISSUE = """
            redis.call('HSET', KEYS[1], 'user', ARGV[1])
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'scopes', ARGV[2]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('SADD', KEYS[2], ARGV[4])
            return 1
            """;

    private static final String REVOKE = """
            local found = redis.pcall('HGET', KEYS[1], 'user')
            local deleted = redis.call('DEL', KEYS[1])
            if type(found) == 'string' then redis.call('SREM', ARGV[1] .. found .. ARGV[2], ARGV[3]) end
            return deleted
            """;

    private static final String REVOKE_ALL = """
            local revoked = 0
            for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              revoked = revoked + redis.call('DEL', ARGV[1] .. hash)
            end
            redis.call('DEL', KEYS[1])
            return revoked
            """;

    // One line per live token: hash, tab, remaining ms, tab, scopes. Expired members are removed on the way.
    private static final String LIST = """
            local lines = {}
            for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local ttl = redis.call('PTTL', ARGV[1] .. hash)
              if ttl == -2 then
                redis.call('SREM', KEYS[1], hash)
              else
                local scopes = redis.pcall('HGET', ARGV[1] .. hash, 'scopes')
                if type(scopes) ~= 'string' then scopes = '' end
                table.insert(lines, hash .. '\\t' .. ttl .. '\\t' .. scopes)
              end
            end
            return table.concat(lines, '\\n')
            """;

    private final SharedRedisConnection redis;
    private final RedisTokenStore tokens;
    private final SecureRandom random = new SecureRandom();

    public TokenAdministration(SharedRedisConnection redis, RedisTokenStore tokens) {
        this.redis = redis;
        this.tokens = tokens;
    }

    /** A new token of 256 random bits; Redis stores only its hash. */
    public Mono<IssuedToken> issue(String user, String scopes, Duration ttl) {
        // SecureRandom may read from the kernel: not on an event loop.
        return Mono.fromCallable(this::newToken)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(token -> {
                    String hash = TokenHashing.sha256Hex(token);
                    Instant expiresAt = Instant.now().plus(ttl);
                    return script(
                                    ISSUE,
                                    ReturnType.INTEGER,
                                    List.of(tokens.keyPrefix() + hash, userIndex(user)),
                                    List.of(user, scopes, Long.toString(ttl.toMillis()), hash))
                            .thenReturn(new IssuedToken(token, hash, user, scopes, expiresAt));
                });
    }

    /** True if a token with this hash existed. */
    public Mono<Boolean> revoke(String hash) {
        return script(
                        REVOKE,
                        ReturnType.INTEGER,
                        List.of(tokens.keyPrefix() + hash),
                        List.of(USER_INDEX_PREFIX, USER_INDEX_SUFFIX, hash))
                .map(deleted -> ((Long) deleted) > 0);
    }

    /** How many live tokens of the user were revoked. */
    public Mono<Long> revokeAll(String user) {
        return script(REVOKE_ALL, ReturnType.INTEGER, List.of(userIndex(user)), List.of(tokens.keyPrefix()))
                .map(revoked -> (Long) revoked);
    }

    public Mono<List<ListedToken>> list(String user) {
        return script(LIST, ReturnType.VALUE, List.of(userIndex(user)), List.of(tokens.keyPrefix()))
                .map(lines ->
                        parse(StandardCharsets.UTF_8.decode((ByteBuffer) lines).toString()))
                .defaultIfEmpty(List.of());
    }

    private static List<ListedToken> parse(String lines) {
        List<ListedToken> listed = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isEmpty()) {
                String[] fields = line.split("\t", 3);
                listed.add(new ListedToken(
                        fields[0].substring(0, HASH_PREFIX_LENGTH), fields[2], Long.parseLong(fields[1])));
            }
        }
        return listed;
    }

    private Mono<Object> script(String script, ReturnType type, List<String> keys, List<String> args) {
        ByteBuffer[] keysAndArgs = new ByteBuffer[keys.size() + args.size()];
        int i = 0;
        for (String value : keys) {
            keysAndArgs[i++] = ByteUtils.getByteBuffer(value);
        }
        for (String value : args) {
            keysAndArgs[i++] = ByteUtils.getByteBuffer(value);
        }
        return redis.connection()
                .flatMap(connection -> connection
                        .scriptingCommands()
                        .eval(ByteUtils.getByteBuffer(script), type, keys.size(), keysAndArgs)
                        .next());
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String userIndex(String user) {
        return USER_INDEX_PREFIX + user + USER_INDEX_SUFFIX;
    }

    /** The one answer that ever shows a raw token. */
    public record IssuedToken(String token, String hash, String user, String scopes, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedToken[hash=" + hash + ", user=" + user + "]";
        }
    }

    /** A live token of a user, without anything that would let one use it. */
    public record ListedToken(String hashPrefix, String scopes, long remainingMillis) {}
}
