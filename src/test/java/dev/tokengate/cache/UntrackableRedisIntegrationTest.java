package dev.tokengate.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.BearerRequests;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.NearCacheProbe;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A Redis that refuses CLIENT (as some proxies and locked-down servers do): one warning, then correct, uncached. */
@ExtendWith(OutputCaptureExtension.class)
class UntrackableRedisIntegrationTest {

    private static TestRedis untrackable;
    private static TestTokens tokens;

    @BeforeAll
    static void startRedisWithoutClientCommand() {
        untrackable = TestRedis.startNew("rename-command CLIENT \"\"");
        tokens = new TestTokens(untrackable);
    }

    @AfterAll
    static void stopRedis() {
        tokens.close();
        untrackable.stop();
    }

    @Test
    void gatewayWarnsOnceAndChecksEveryRequestAgainstRedis(CapturedOutput output) {
        try (GatewayInstance gateway = GatewayInstance.start(untrackable)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("Near cache disabled"));
            String token = tokens.issue("alice", "orders:read");
            MeterRegistry meters = gateway.bean(MeterRegistry.class);
            double bypassed = NearCacheProbe.lookups(meters, "bypass");
            long lookupsBefore = tokens.commandCalls("hgetall");

            for (int i = 0; i < 10; i++) {
                BearerRequests.get(gateway.client(), "/orders/1", token)
                        .expectStatus()
                        .isOk();
            }
            tokens.revoke(token);
            BearerRequests.get(gateway.client(), "/orders/1", token)
                    .expectStatus()
                    .isUnauthorized();

            assertThat(tokens.commandCalls("hgetall") - lookupsBefore).isEqualTo(11);
            assertThat(NearCacheProbe.lookups(meters, "bypass") - bypassed).isEqualTo(11);
            assertThat(gateway.bean(InvalidationTracker.class).isTracking()).isFalse();
            assertThat(output.getOut().split("Near cache disabled", -1)).hasSize(2);
            assertThat(RecordingUpstream.shared().lastRequest().header("X-User-Id"))
                    .isEqualTo("alice");
        }
    }
}
