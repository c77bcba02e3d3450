package dev.tokengate.support;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What every answer written by the gateway itself looks like: RFC 9457 problem+json, with RFC 6750 challenges. */
public final class ProblemAssertions {

    public static final String CHALLENGE_NO_CREDENTIALS = "Bearer realm=\"tokengate\"";
    public static final String CHALLENGE_MALFORMED = "Bearer realm=\"tokengate\", error=\"invalid_request\"";
    public static final String CHALLENGE_INVALID_TOKEN = "Bearer realm=\"tokengate\", error=\"invalid_token\"";

    private ProblemAssertions() {}

    /**
     * Asserts status, challenge (none when {@code challenge} is null) and the problem+json body; returns the body spec
     * so that a test can check extension members too.
     */
    public static WebTestClient.BodyContentSpec assertProblem(
            WebTestClient.ResponseSpec response, HttpStatus status, String challenge, String detail, String path) {
        response.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (challenge != null) {
            response.expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, challenge);
        } else {
            response.expectHeader().doesNotExist(HttpHeaders.WWW_AUTHENTICATE);
        }
        return response.expectBody()
                .jsonPath("$.type")
                .isEqualTo("about:blank")
                .jsonPath("$.title")
                .isEqualTo(status.getReasonPhrase())
                .jsonPath("$.status")
                .isEqualTo(status.value())
                .jsonPath("$.detail")
                .isEqualTo(detail)
                .jsonPath("$.instance")
                .isEqualTo(path);
    }
}
