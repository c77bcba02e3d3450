package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Duration;
import java.util.Map;

/**
 * The body of {@code POST /admin/tokens/{id}/rotate}, which may be empty.
 *
 * @param grace how long the old token keeps working; {@code tokengate.admin.rotation-grace} when absent, zero to revoke
 *     it at once
 * @param ttl the new token's lifetime; {@code tokengate.admin.default-ttl} when absent
 * @param unknown every other field, which makes the request invalid
 */
record RotateRequest(
        Duration grace, Duration ttl, @JsonAnySetter Map<String, Object> unknown) {

    static final String SHAPE = "Body must be empty or a JSON object with optional 'grace' and 'ttl'.";
    static final String INVALID_GRACE = "'grace' must be an ISO-8601 duration such as PT30S, PT0S to revoke at once.";

    static final RotateRequest DEFAULTS = new RotateRequest(null, null, Map.of());

    /** This request with its defaults applied; a 400 naming the first thing wrong with it otherwise. */
    RotateRequest checked(AdminProperties properties) {
        IssueRequest.refuseUnknown(unknown);
        Duration graceOrDefault = grace == null ? properties.rotationGrace() : grace;
        if (graceOrDefault.isNegative() || graceOrDefault.compareTo(properties.maxTtl()) > 0) {
            throw AdminAnswers.badRequest("'grace' must be zero or positive and at most " + properties.maxTtl()
                    + " (tokengate.admin.max-ttl).");
        }
        Duration lifetime = ttl == null ? properties.defaultTtl() : ttl;
        IssueRequest.checkLifetime(lifetime, properties);
        return new RotateRequest(graceOrDefault, lifetime, Map.of());
    }
}
