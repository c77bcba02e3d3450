package dev.tokengate.ratelimit;

import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

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

    /** The limiter's refusal is the gateway's usual problem+json, and says when to come back. */
    @Test
    void refusalIsProblemJsonWithRetryAfterAndTheLimitersHeaders() {
        String carol = tokens.issue("carol-" + System.nanoTime(), null);
        bearer("/limited/1", carol).expectStatus().isOk();
        bearer("/limited/1", carol).expectStatus().isOk();

        WebTestClient.ResponseSpec refused = bearer("/limited/1", carol);

        assertProblem(
                refused,
                HttpStatus.TOO_MANY_REQUESTS,
                null,
                "Too many requests; try again after the time in Retry-After.",
                "/limited/1");
        HttpHeaders headers = refused.returnResult(String.class).getResponseHeaders();
        // 30 tokens a request, 1 more a second: the bucket holds enough again within 30 s
        assertThat(Long.parseLong(headers.getFirst(HttpHeaders.RETRY_AFTER))).isBetween(25L, 30L);
        assertThat(headers.getFirst("X-RateLimit-Replenish-Rate")).isEqualTo("1");
        assertThat(headers.getFirst("X-RateLimit-Requested-Tokens")).isEqualTo("30");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void requestWithoutATokenIsRefusedBeforeItCountsAgainstAnyone() {
        client.get().uri("/limited/1").exchange().expectStatus().isUnauthorized();
        assertThat(upstream.requestCount()).isZero();
    }
}
