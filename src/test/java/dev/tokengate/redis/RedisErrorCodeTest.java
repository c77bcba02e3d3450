package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.InvalidDataAccessApiUsageException;

class RedisErrorCodeTest {

    @Test
    void theCodeIsTheReplysFirstWordInCapitals() {
        assertThat(RedisErrorCode.of(new RedisCommandExecutionException(
                        "WRONGTYPE Operation against a key holding the wrong kind of value")))
                .contains("WRONGTYPE");
        assertThat(RedisErrorCode.of(new RedisCommandExecutionException("ERR unknown command 'CLIENT'")))
                .contains("ERR");
        assertThat(RedisErrorCode.of(new RedisCommandExecutionException("NOPERM")))
                .contains("NOPERM");
    }

    @Test
    void itIsFoundUnderSpringsTranslation() {
        assertThat(RedisErrorCode.is(
                        new InvalidDataAccessApiUsageException(
                                "WRONGTYPE Operation against a key",
                                new RedisCommandExecutionException("WRONGTYPE Operation against a key")),
                        RedisErrorCode.WRONGTYPE))
                .isTrue();
    }

    @Test
    void wordsThatAreNoCodeAndErrorsThatAreNoReplyHaveNone() {
        assertThat(RedisErrorCode.of(new RedisCommandExecutionException("unknown command")))
                .isEmpty();
        assertThat(RedisErrorCode.of(new RedisCommandExecutionException("Errors are not codes")))
                .isEmpty();
        assertThat(RedisErrorCode.of(new RedisException("ERR looks like a reply but is Lettuce's own")))
                .isEmpty();
        assertThat(RedisErrorCode.of(new IllegalStateException("WRONGTYPE"))).isEmpty();
    }
}
