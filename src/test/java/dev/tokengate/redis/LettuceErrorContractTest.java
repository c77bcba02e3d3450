package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tokengate.redis.RedisFailure.Cause;
import dev.tokengate.support.TestRedis;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What tokengate reads from Lettuce's errors, against a real Redis: a Redis error reply arrives whole as the message
 * of a {@code RedisCommandExecutionException}, so {@link RedisErrorCode} finds its code; and Lettuce's own wording for a
 * command rejected or cut off by a lost connection, which has no type of its own, is the one {@link RedisFailure}
 * recognises. When a Lettuce upgrade changes either, these fail and say where to look.
 */
class LettuceErrorContractTest {

    private TestRedis redis;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    @BeforeEach
    void connect() {
        redis = TestRedis.startNew();
        client = RedisClient.create(RedisURI.create(redis.uri()));
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        connection = client.connect();
    }

    @AfterEach
    void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.stop();
    }

    @Test
    void aRedisErrorReplyIsFoundByItsCode() {
        connection.sync().set("text", "value");
        connection
                .sync()
                .aclSetuser(
                        "limited",
                        AclSetuserArgs.Builder.on().nopass().allKeys().addCommand(CommandType.GET));

        assertThat(RedisErrorCode.of(catchThrowable(() -> connection.sync().hgetall("text"))))
                .as("Lettuce no longer hands a Redis error reply on as its exception's message: see RedisErrorCode")
                .contains(RedisErrorCode.WRONGTYPE);
        assertThat(RedisErrorCode.of(catchThrowable(() -> connection
                        .sync()
                        .clientTracking(TrackingArgs.Builder.enabled().prefixes("auth:")))))
                .contains(RedisErrorCode.ERR);
        connection.sync().auth("limited", "any");
        assertThat(RedisErrorCode.of(catchThrowable(() -> connection.sync().hgetall("text"))))
                .contains(RedisErrorCode.NOPERM);
    }

    @Test
    void commandsCutOffOrRejectedByALostConnectionAreNamedDisconnected() throws Exception {
        CompletableFuture<?> blocked = connection.async().blpop(0, "never").toCompletableFuture();
        redis.kill();

        Throwable cutOff = catchThrowable(() -> blocked.get(10, TimeUnit.SECONDS));
        // Lettuce fails it with "Connection disconnected", or with Netty's "Connection reset by peer" when the reset
        // reaches the handler first
        assertThat(RedisFailure.of(cutOff).cause())
                .as("Lettuce's error for a command in flight when the connection closed changed: see RedisFailure ("
                        + cutOff + ")")
                .isEqualTo(Cause.DISCONNECTED);
        Throwable rejected = catchThrowable(() -> connection.sync().get("any"));
        assertThat(RedisFailure.of(rejected).cause())
                .as("Lettuce's wording for a command rejected while disconnected changed: see RedisFailure (" + rejected
                        + ")")
                .isEqualTo(Cause.DISCONNECTED);
    }
}
