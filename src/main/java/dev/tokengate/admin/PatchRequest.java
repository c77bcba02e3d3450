package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code PATCH /admin/tokens/{id}}, as Spring's Jackson codec binds it: what to change of a live token.
 *
 * @param scopes the new space-separated scopes (empty: none); unchanged when absent
 * @param label the new label (empty: none); unchanged when absent
 * @param ttl the new remaining lifetime, an ISO-8601 duration; unchanged when absent
 * @param unknown every other field, which makes the request invalid
 */
record PatchRequest(
        String scopes,
        String label,
        Duration ttl,
        @JsonAnySetter Map<String, Object> unknown) {

    static final String SHAPE = "Body must be a JSON object with one or more of 'scopes', 'label' and 'ttl'.";

    /** This request with its scopes trimmed; a 400 naming the first thing wrong with it otherwise. */
    PatchRequest checked(AdminProperties properties) {
        IssueRequest.refuseUnknown(unknown);
        if (scopes == null && label == null && ttl == null) {
            throw AdminAnswers.badRequest(SHAPE);
        }
        String words = scopes == null ? null : IssueRequest.checkedScopes(scopes);
        if (ttl != null) {
            IssueRequest.checkLifetime(ttl, properties);
        }
        String newLabel = label == null ? null : Objects.requireNonNullElse(IssueRequest.checkedLabel(label), "");
        return new PatchRequest(words, newLabel, ttl, Map.of());
    }
}
