package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * Per-user request limits are Spring Cloud Gateway's own {@code RequestRateLimiter} with tokengate's user key
 * resolver: the {@code limited} route of the test routes allows each user 2 requests, then 1 more every 30 s.
 */
class UserRateLimitIntegrationTest extends GatewayIntegrationTest {

    @Test
    void eachUserHasABudgetOfTheirOwn() {
        String alice = tokens.issue("alice-" + System.nanoTime(), null);
        String bob = tokens.issue("bob-" + System.nanoTime(), null);

        bearer("/limited/1", alice).expectStatus().isOk();
        bearer("/limited/1", alice).expectStatus().isOk();
        bearer("/limited/1", alice).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        bearer("/limited/1", bob).expectStatus().isOk();
        assertThat(upstream.requestCount()).isEqualTo(3);
    }

    @Test
    void requestWithoutATokenIsRefusedBeforeItCountsAgainstAnyone() {
        client.get().uri("/limited/1").exchange().expectStatus().isUnauthorized();
        assertThat(upstream.requestCount()).isZero();
    }
}
