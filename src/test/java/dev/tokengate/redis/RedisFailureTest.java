package dev.tokengate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.redis.RedisFailure.Cause;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;
import reactor.core.Exceptions;

/**
 * The causes the integration test cannot produce with an embedded Redis (TLS, ACL, protocol), named from the
 * exceptions Lettuce wraps them in; the others are shown end to end by {@code RedisFailureCausesIntegrationTest}.
 */
class RedisFailureTest {

    @Test
    void eachCauseIsFoundWhereverItSitsInTheChain() {
        assertThat(causeOf(connectFailure(new SSLHandshakeException("PKIX path building failed"))))
                .isEqualTo(Cause.TLS);
        assertThat(causeOf(connectFailure(new RedisCommandExecutionException(
                        "NOPERM User tokengate has no permissions to run 'hgetall'"))))
                .isEqualTo(Cause.PERMISSION);
        assertThat(causeOf(connectFailure(new RedisCommandExecutionException(
                        "NOAUTH HELLO must be called with the client already authenticated"))))
                .isEqualTo(Cause.AUTHENTICATION);
        assertThat(causeOf(new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)")))
                .isEqualTo(Cause.TIMEOUT);
        assertThat(causeOf(new RedisCommandExecutionException("ERR unknown command 'HELLO'")))
                .isEqualTo(Cause.PROTOCOL);
        assertThat(causeOf(connectFailure(new ConnectException("Connection refused"))))
                .isEqualTo(Cause.REFUSED);
        assertThat(causeOf(connectFailure(new UnknownHostException("redis.internal"))))
                .isEqualTo(Cause.DNS);
        assertThat(causeOf(new io.lettuce.core.RedisException("Currently not connected. Commands are rejected.")))
                .isEqualTo(Cause.DISCONNECTED);
        assertThat(causeOf(new io.lettuce.core.RedisException(
                        new java.io.IOException("recvAddress(..) failed: Connection reset by peer"))))
                .isEqualTo(Cause.DISCONNECTED);
        assertThat(causeOf(new IllegalStateException("something else"))).isEqualTo(Cause.OTHER);
    }

    @Test
    void ofSeveralErrorsTheFirstIsNamed() {
        Throwable multiple = Exceptions.multiple(
                connectFailure(new ConnectException("Connection refused")), new IllegalStateException("later"));

        assertThat(RedisFailure.of(multiple).cause()).isEqualTo(Cause.REFUSED);
    }

    @Test
    void theMessageIsTheMostSpecificOne() {
        RedisFailure failure = RedisFailure.of(connectFailure(
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled.")));

        assertThat(failure.describe())
                .startsWith("authentication failed (NOAUTH/WRONGPASS)")
                .endsWith("(WRONGPASS invalid username-password pair or user is disabled.)");
    }

    @Test
    void onlyCausesThatSayWhyReplaceTheCauseOfAnOutage() {
        assertThat(Cause.values())
                .filteredOn(Cause::isDiagnostic)
                .doesNotContain(Cause.TIMEOUT, Cause.DISCONNECTED, Cause.OTHER)
                .contains(Cause.REFUSED, Cause.DNS, Cause.AUTHENTICATION, Cause.TLS);
    }

    // How Spring Data Redis hands on a failed connect: its exception, around Lettuce's, around the cause.
    private static Throwable connectFailure(Throwable cause) {
        return new RedisConnectionFailureException(
                "Unable to connect to Redis",
                new RedisConnectionException("Unable to connect to 10.0.0.5:6379", cause));
    }

    private static Cause causeOf(Throwable error) {
        return RedisFailure.of(error).cause();
    }
}
