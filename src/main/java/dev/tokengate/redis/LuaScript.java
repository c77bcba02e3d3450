package dev.tokengate.redis;

import io.lettuce.core.RedisNoScriptException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.util.ByteUtils;
import reactor.core.publisher.Mono;

/**
 * A Lua script run as Redis caches scripts: {@code EVALSHA} with its SHA-1, so only the digest travels and Redis need
 * not hash the text; {@code EVAL}, which also caches it, only when Redis answers {@code NOSCRIPT} (a restart, a
 * failover to a node that never ran it, {@code SCRIPT FLUSH}). Every script here touches the one key it is given,
 * which keeps it valid on Redis Cluster. Its answer comes back typed: a number, a flag, text, or a value read from a table.
 *
 * @param <T> what the script returns
 */
public final class LuaScript<T> {

    private final RedisScript<?> script;
    private final ByteBuffer text;
    private final ReturnType returnType;
    private final Function<Object, T> answer;

    private LuaScript(String text, Class<?> resultType, ReturnType returnType, Function<Object, T> answer) {
        this.script = RedisScript.of(text, resultType);
        this.text = ByteUtils.getByteBuffer(text);
        this.returnType = returnType;
        this.answer = answer;
    }

    /** A script that returns an integer. */
    public static LuaScript<Long> returningNumber(String text) {
        return new LuaScript<>(text, Long.class, ReturnType.INTEGER, Long.class::cast);
    }

    /** A script that returns 1 for yes and 0 for no. */
    public static LuaScript<Boolean> returningFlag(String text) {
        return new LuaScript<>(text, Boolean.class, ReturnType.BOOLEAN, Boolean.class::cast);
    }

    /**
     * A script that returns a table, read into a value by {@code reader}: each element is a {@link Long} for an
     * integer, a {@link ByteBuffer} for a string ({@link #text(Object)} decodes it) and null for {@code false}. An empty
     * table is no answer: the run completes empty. (A bare {@code false} would come back as a table of one null.)
     */
    @SuppressWarnings("unchecked")
    public static <T> LuaScript<T> returningTable(String text, Function<List<Object>, T> reader) {
        return new LuaScript<>(text, List.class, ReturnType.MULTI, value -> {
            List<Object> table = (List<Object>) value;
            return table.isEmpty() ? null : reader.apply(table);
        });
    }

    /** A string element of a table a script returned; null for {@code false}. */
    public static String text(Object element) {
        return element == null
                ? null
                : StandardCharsets.UTF_8
                        .decode(((ByteBuffer) element).duplicate())
                        .toString();
    }

    /** The script's SHA-1, by which Redis knows it. */
    public String sha1() {
        return script.getSha1();
    }

    /** Runs the script on {@code key} with {@code args} as ARGV. */
    public Mono<T> run(SharedRedisConnection redis, String key, List<String> args) {
        ByteBuffer[] keyAndArgs = new ByteBuffer[1 + args.size()];
        keyAndArgs[0] = ByteUtils.getByteBuffer(key);
        for (int i = 0; i < args.size(); i++) {
            keyAndArgs[i + 1] = ByteUtils.getByteBuffer(args.get(i));
        }
        return redis.connection()
                .flatMap(connection -> connection
                        .scriptingCommands()
                        .evalSha(script.getSha1(), returnType, 1, duplicates(keyAndArgs))
                        .next()
                        .onErrorResume(
                                LuaScript::isNoScript,
                                noScript -> connection
                                        .scriptingCommands()
                                        .eval(text.duplicate(), returnType, 1, duplicates(keyAndArgs))
                                        .next()))
                .mapNotNull(answer);
    }

    /** Runs the script on {@code key} with {@code args} as ARGV. */
    public Mono<T> run(SharedRedisConnection redis, String key, String... args) {
        return run(redis, key, List.of(args));
    }

    /** Lettuce's own type for the {@code NOSCRIPT} error, as it comes, or under Spring's translation of it. */
    static boolean isNoScript(Throwable error) {
        return NestedExceptionUtils.getMostSpecificCause(error) instanceof RedisNoScriptException;
    }

    // A ByteBuffer is read by writing it: each attempt gets its own view of the same bytes.
    private static ByteBuffer[] duplicates(ByteBuffer[] buffers) {
        ByteBuffer[] copies = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            copies[i] = buffers[i].duplicate();
        }
        return copies;
    }
}
