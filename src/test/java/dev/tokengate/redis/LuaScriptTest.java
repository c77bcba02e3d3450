package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Scripts travel as their digest: {@code EVAL} only the first time a Redis sees one (after a restart or {@code SCRIPT
 * FLUSH}), {@code EVALSHA} from then on; and their answers come back typed. On a Redis of its own, so that no other
 * test's scripts move its command counts.
 */
class LuaScriptTest {

    private static final LuaScript<Long> INCREMENT = LuaScript.returningNumber("return redis.call('INCR', KEYS[1])");
    private static final LuaScript<Boolean> EXISTS = LuaScript.returningFlag("return redis.call('EXISTS', KEYS[1])");
    private static final LuaScript<List<Object>> GET_WITH_TTL = LuaScript.returningTable(
            """
            local value = redis.call('GET', KEYS[1])
            if not value then return {} end
            return {value, redis.call('PTTL', KEYS[1]), false, ARGV[1]}
            """,
            table -> Arrays.asList(
                    LuaScript.text(table.get(0)),
                    table.get(1),
                    LuaScript.text(table.get(2)),
                    LuaScript.text(table.get(3))));

    private static TestRedis redis;
    private static TestRedisConnection connection;
    private static TestTokens tokens;

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startNew();
        connection = TestRedisConnection.to(redis);
        tokens = new TestTokens(redis);
    }

    @AfterAll
    static void stopRedis() {
        connection.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void theTextTravelsOnceAfterAFlushThenOnlyTheDigest() {
        tokens.redis().scriptFlush();
        long evals = tokens.commandCalls("eval");
        long evalShas = tokens.commandCalls("evalsha");

        for (int i = 1; i <= 5; i++) {
            StepVerifier.create(INCREMENT.run(connection.shared(), "counter"))
                    .expectNext((long) i)
                    .verifyComplete();
        }

        assertThat(tokens.commandCalls("eval") - evals)
                .as("EVAL, once, after NOSCRIPT")
                .isOne();
        assertThat(tokens.commandCalls("evalsha") - evalShas).isGreaterThanOrEqualTo(4);
        assertThat(tokens.redis().scriptExists(INCREMENT.sha1())).containsExactly(true);
    }

    @Test
    void answersComeBackTyped() {
        tokens.redis().set("present", "text");

        StepVerifier.create(EXISTS.run(connection.shared(), "present"))
                .expectNext(true)
                .verifyComplete();
        StepVerifier.create(EXISTS.run(connection.shared(), "absent"))
                .expectNext(false)
                .verifyComplete();
        StepVerifier.create(GET_WITH_TTL.run(connection.shared(), "present", "argument"))
                .expectNext(Arrays.asList("text", -1L, null, "argument"))
                .as("a string, an integer, false as null")
                .verifyComplete();
        StepVerifier.create(GET_WITH_TTL.run(connection.shared(), "absent", "argument"))
                .as("an empty table: no answer")
                .verifyComplete();
    }
}
