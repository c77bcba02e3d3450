package dev.tokengate.admin;

import dev.tokengate.redis.LuaScript;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.redis.SharedRedisConnection;
import dev.tokengate.token.TokenHashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Issues, lists and revokes tokens in Redis, with each user's index ({@link RedisKeys#userTokens}, a set of token
 * hashes). The token key and the index generally live in different Redis Cluster slots, so every step touches one
 * key, and the steps are ordered so that the index never misses a live token: a token is added to the index before
 * its key is written, and removed from it only after its key is gone. The index may briefly name a token that does
 * not exist; such members are pruned whenever the index is read.
 */
public class TokenAdministration {

    /** Keys a {@code SCAN} step looks at: large enough that a million keys take a thousand round trips. */
    private static final long SCAN_BATCH = 1000;

    /** Tokens described at once while the unused ones are sought. */
    private static final int DESCRIBE_CONCURRENCY = 16;

    /**
     * The token key's fields and lifetime in one step; it is the only key it touches. ARGV: the lifetime in
     * milliseconds, then field, value pairs; an empty value is not written.
     */
    private static final LuaScript<Long> WRITE_TOKEN = LuaScript.returningNumber("""
            for i = 2, #ARGV, 2 do
              if ARGV[i + 1] ~= '' then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """);

    /**
     * Changes a live token's remaining lifetime (ARGV[1] milliseconds, '' to keep it) and the fields of the field,
     * value pairs that follow, in one step that writes nothing when the key is gone: a plain HSET would create a token
     * without a user or an expiry. No (0) when there is no such token.
     */
    private static final LuaScript<Boolean> PATCH_TOKEN = LuaScript.returningFlag("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return 1
            """);

    /**
     * Ends a token that is being replaced: after ARGV[3] milliseconds (never later than it would have ended anyway),
     * or at once for 0. Answers the token as it was ({@link Ending}); nothing when there is no such token. A token that
     * names no user is left as it is: there is no one to issue a successor for.
     */
    private static final LuaScript<Ending> END_FOR_ROTATION = LuaScript.returningTable("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
            local user = redis.call('HGET', KEYS[1], ARGV[1])
            local scopes = redis.call('HGET', KEYS[1], ARGV[2]) or ''
            local label = redis.call('HGET', KEYS[1], ARGV[4]) or ''
            if not user then return {false, scopes, label, false} end
            local remaining = redis.call('PTTL', KEYS[1])
            local grace = tonumber(ARGV[3])
            if grace == 0 then
              redis.call('DEL', KEYS[1])
              remaining = 0
            elseif remaining < 0 or remaining > grace then
              redis.call('PEXPIRE', KEYS[1], grace)
              remaining = grace
            end
            return {user, scopes, label, remaining}
            """, Ending::of);

    /**
     * Deletes the token key, in one step on that one key, and answers whose it was (empty when it named no user);
     * nothing when there was no such key.
     */
    private static final LuaScript<Optional<String>> DELETE_TOKEN =
            LuaScript.returningTable("""
            local found = redis.pcall('HGET', KEYS[1], ARGV[1])
            if redis.call('DEL', KEYS[1]) == 0 then return {} end
            if type(found) == 'string' then return {found} end
            return {false}
            """, deleted -> Optional.ofNullable(LuaScript.text(deleted.get(0))));

    private final SharedRedisConnection redis;
    private final RedisKeys keys;
    private final SecureRandom random = new SecureRandom();

    public TokenAdministration(SharedRedisConnection redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** A new token of 256 random bits; Redis stores only its hash. */
    public Mono<IssuedToken> issue(String user, String scopes, String label, Duration ttl) {
        // SecureRandom may read from the kernel: not on an event loop.
        return Mono.fromCallable(this::newToken)
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(token -> {
                    String hash = TokenHashing.sha256Hex(token);
                    return store(hash, user, scopes, label, ttl, "")
                            .map(expiresAt -> new IssuedToken(token, hash, user, scopes, label, expiresAt));
                });
    }

    /**
     * Registers a client certificate for a user: stored as a token whose hash is the certificate's fingerprint, with
     * the subject it names, in the user's index like the user's tokens. Registering it again replaces the first.
     *
     * @param subject the certificate's subject, or {@link RedisKeys#UNKNOWN_SUBJECT}
     * @return when the registration ends
     */
    public Mono<Instant> register(
            String fingerprint, String user, String scopes, String label, String subject, Duration ttl) {
        return DELETE_TOKEN
                .run(redis, keys.token(fingerprint), RedisKeys.USER_FIELD)
                .flatMap(owner -> owner.filter(previous -> !previous.equals(user))
                        .map(previous -> removeMembers(bytes(keys.userTokens(previous)), List.of(fingerprint)))
                        .orElse(Mono.empty()))
                .then(store(fingerprint, user, scopes, label, ttl, subject));
    }

    /** Whether the key under {@code hash} is a client certificate's registration rather than a token. */
    public Mono<Boolean> isCertificate(String hash) {
        // HGET, which the gateway's Redis user may run (docs/operations.md), rather than HEXISTS
        return commands(connection -> connection
                .hashCommands()
                .hGet(bytes(keys.token(hash)), bytes(RedisKeys.CERTIFICATE_FIELD))
                .hasElement());
    }

    /** Indexes, then writes, a token's or certificate's fields and lifetime: answers when it ends. */
    private Mono<Instant> store(String hash, String user, String scopes, String label, Duration ttl, String subject) {
        Instant now = Instant.now();
        return commands(connection -> connection.setCommands().sAdd(bytes(keys.userTokens(user)), List.of(bytes(hash))))
                .then(WRITE_TOKEN.run(
                        redis,
                        keys.token(hash),
                        Long.toString(ttl.toMillis()),
                        RedisKeys.USER_FIELD,
                        user,
                        RedisKeys.SCOPES_FIELD,
                        scopes,
                        RedisKeys.LABEL_FIELD,
                        label == null ? "" : label,
                        RedisKeys.CREATED_FIELD,
                        Long.toString(now.toEpochMilli()),
                        RedisKeys.CERTIFICATE_FIELD,
                        subject))
                .thenReturn(now.plus(ttl));
    }

    /**
     * The hashes of stored tokens that start with these hex digits, at most {@code limit} of them: one {@code SCAN} of
     * the token keys (on a cluster, of every master), stopped once enough are found.
     */
    public Mono<List<String>> hashesStartingWith(String digits, int limit) {
        return storedHashes(digits).take(limit).collectList();
    }

    /**
     * What follows the prefix in every token key that starts with these digits, each once (a cluster's masters are
     * scanned one after the other): one {@code SCAN}, as far as it is read.
     */
    private Flux<String> storedHashes(String digits) {
        return redis.connection()
                .flatMapMany(connection -> connection
                        .keyCommands()
                        .scan(ScanOptions.scanOptions()
                                .match(keys.tokenPattern(digits))
                                .count(SCAN_BATCH)
                                .build()))
                .map(key -> keys.hashedTokenOf(text(key)))
                .distinct();
    }

    /**
     * Changes what is given of a live token ({@code null}: unchanged) and describes it as it is then; empty when there
     * is no such token, and then nothing is written. Redis's invalidation reaches every instance's near cache.
     */
    public Mono<ListedToken> patch(String hash, String scopes, String label, Duration ttl) {
        List<String> args = new ArrayList<>(List.of(ttl == null ? "" : Long.toString(ttl.toMillis())));
        if (scopes != null) {
            args.addAll(List.of(RedisKeys.SCOPES_FIELD, scopes));
        }
        if (label != null) {
            args.addAll(List.of(RedisKeys.LABEL_FIELD, label));
        }
        return PATCH_TOKEN
                .run(redis, keys.token(hash), args)
                .filter(Boolean::booleanValue)
                .flatMap(patched -> describe(hash))
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * A successor for a token, for the same user and scopes, issued once the old one is set to end after {@code
     * grace} (at once for zero): so a token already gone gets none. Empty when there is no such token.
     */
    public Mono<Rotation> rotate(String hash, Duration grace, Duration ttl) {
        return END_FOR_ROTATION
                .run(
                        redis,
                        keys.token(hash),
                        RedisKeys.USER_FIELD,
                        RedisKeys.SCOPES_FIELD,
                        Long.toString(grace.toMillis()),
                        RedisKeys.LABEL_FIELD)
                .flatMap(ended -> {
                    if (ended.user() == null) {
                        return Mono.error(new NoUserException());
                    }
                    Instant oldEndsAt = Instant.now().plusMillis(ended.remainingMillis());
                    Mono<Void> unindexed = grace.isZero()
                            ? removeMembers(bytes(keys.userTokens(ended.user())), List.of(hash))
                            : Mono.empty();
                    return unindexed
                            .then(issue(ended.user(), ended.scopes(), ended.label(), ttl))
                            .map(issued -> new Rotation(issued, new RotatedToken(hash, oldEndsAt)));
                });
    }

    /**
     * A token as it was when its rotation began.
     *
     * @param user null when it names none, and then it was left as it was
     * @param label null when it has none
     * @param remainingMillis how long it has left now; null when it was left as it was
     */
    private record Ending(String user, String scopes, String label, Long remainingMillis) {

        static Ending of(List<Object> table) {
            String label = LuaScript.text(table.get(2));
            return new Ending(
                    LuaScript.text(table.get(0)), LuaScript.text(table.get(1)), label.isEmpty() ? null : label, (Long)
                            table.get(3));
        }
    }

    /** A token to rotate names no user. */
    public static final class NoUserException extends IllegalStateException {

        NoUserException() {
            super("The token names no user");
        }
    }

    /** True if a token with this hash existed. */
    public Mono<Boolean> revoke(String hash) {
        return DELETE_TOKEN
                .run(redis, keys.token(hash), RedisKeys.USER_FIELD)
                .flatMap(owner -> owner.map(user -> removeMembers(bytes(keys.userTokens(user)), List.of(hash)))
                        .orElse(Mono.empty())
                        .thenReturn(true))
                .defaultIfEmpty(false);
    }

    /** How many live tokens of the user were revoked. */
    public Mono<Long> revokeAll(String user) {
        ByteBuffer index = bytes(keys.userTokens(user));
        return members(index)
                .flatMap(hashes -> Flux.fromIterable(hashes)
                        .flatMap(hash ->
                                commands(connection -> connection.keyCommands().del(bytes(keys.token(hash)))))
                        .reduce(0L, Long::sum)
                        .flatMap(revoked -> removeMembers(index, hashes).thenReturn(revoked)))
                .defaultIfEmpty(0L);
    }

    public Mono<List<ListedToken>> list(String user) {
        ByteBuffer index = bytes(keys.userTokens(user));
        return members(index)
                .flatMap(hashes -> Flux.fromIterable(hashes)
                        .flatMapSequential(hash -> describe(hash).map(found -> new Described(hash, found)))
                        .collectList())
                .flatMap(described -> {
                    List<String> expired = described.stream()
                            .filter(entry -> entry.token().isEmpty())
                            .map(Described::hash)
                            .toList();
                    List<ListedToken> live = described.stream()
                            .flatMap(entry -> entry.token().stream())
                            .toList();
                    return removeMembers(index, expired).thenReturn(live);
                })
                .defaultIfEmpty(List.of());
    }

    /**
     * The live tokens, across users, neither used nor issued since {@code cutoff} (a token whose issue time is unknown
     * counts as issued before it), at most {@code limit}: one {@code SCAN} of the token keys.
     */
    public Flux<ListedToken> unusedSince(Instant cutoff, int limit) {
        return storedHashes("")
                .filter(TokenHashing::isSha256Hex)
                .flatMapSequential(this::describe, DESCRIBE_CONCURRENCY)
                .flatMap(Mono::justOrEmpty)
                .filter(token -> token.unusedSince(cutoff))
                .take(limit);
    }

    /** When a token was last seen in use, as far as {@link RedisKeys#lastUsed()} knows. */
    public Mono<Optional<Instant>> lastUsed(String hash) {
        return commands(connection -> connection
                .zSetCommands()
                .zScore(bytes(keys.lastUsed()), bytes(hash))
                .map(score -> Optional.of(Instant.ofEpochMilli(score.longValue())))
                .defaultIfEmpty(Optional.empty()));
    }

    /** The listing of one token, or none once its key is gone. */
    private Mono<Optional<ListedToken>> describe(String hash) {
        ByteBuffer key = bytes(keys.token(hash));
        // HGETALL, which the gateway's Redis user runs anyway, rather than HMGET, which an existing ACL may not allow
        return commands(connection -> Mono.zip(
                        connection.keyCommands().pTtl(key),
                        connection
                                .hashCommands()
                                .hGetAll(key)
                                .collectMap(entry -> text(entry.getKey()), entry -> text(entry.getValue())),
                        lastUsed(hash)))
                .map(found -> found.getT1() == -2
                        ? Optional.<ListedToken>empty()
                        : Optional.of(ListedToken.of(hash, found.getT2(), found.getT3(), found.getT1())));
    }

    private static String text(ByteBuffer value) {
        return StandardCharsets.UTF_8.decode(value).toString();
    }

    private record Described(String hash, Optional<ListedToken> token) {}

    private Mono<List<String>> members(ByteBuffer index) {
        return redis.connection()
                .flatMap(connection -> connection
                        .setCommands()
                        .sMembers(index)
                        .map(TokenAdministration::text)
                        .collectList())
                .filter(hashes -> !hashes.isEmpty());
    }

    /** Forgets tokens that are gone: from their user's index, and their last use. */
    private Mono<Void> removeMembers(ByteBuffer index, List<String> hashes) {
        if (hashes.isEmpty()) {
            return Mono.empty();
        }
        List<ByteBuffer> members =
                hashes.stream().map(TokenAdministration::bytes).toList();
        return commands(connection -> connection
                        .setCommands()
                        .sRem(index, members)
                        .then(connection.zSetCommands().zRem(bytes(keys.lastUsed()), members)))
                .then();
    }

    private <T> Mono<T> commands(Function<ReactiveRedisConnection, Mono<T>> commands) {
        return redis.connection().flatMap(commands);
    }

    private static ByteBuffer bytes(String value) {
        return ByteUtils.getByteBuffer(value);
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A new token and the one it replaces, which ends at {@code rotated.expiresAt}. */
    public record Rotation(IssuedToken issued, RotatedToken rotated) {}

    public record RotatedToken(String id, Instant expiresAt) {}

    /** The one answer that ever shows a raw token. */
    public record IssuedToken(String token, String hash, String user, String scopes, String label, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedToken[hash=" + hash + ", user=" + user + "]";
        }
    }
}
