package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
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
    private static final LuaScript<String> GET_OR_NIL = LuaScript.returningText("return redis.call('GET', KEYS[1])");
    private static final LuaScript<List<Long>> PAIR =
            LuaScript.returningNumbers("return {tonumber(ARGV[1]), tonumber(ARGV[2])}");

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

        StepVerifier.create(GET_OR_NIL.run(connection.shared(), "present"))
                .expectNext("text")
                .verifyComplete();
        StepVerifier.create(GET_OR_NIL.run(connection.shared(), "absent")).verifyComplete();
        StepVerifier.create(PAIR.run(connection.shared(), "any", "7", "-1"))
                .expectNext(List.of(7L, -1L))
                .verifyComplete();
    }
}
