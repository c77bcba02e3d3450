package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.tokengate.http.HttpTokens;
import java.time.Duration;
import java.util.Map;

/**
 * The body of {@code POST /admin/tokens}, as Spring's Jackson codec binds it.
 *
 * @param user whose token it is
 * @param scopes space-separated scopes; none when absent
 * @param label a name for people, shown when tokens are listed; none when absent
 * @param ttl an ISO-8601 duration; {@code tokengate.admin.default-ttl} when absent
 * @param unknown every other field, which makes the request invalid: a misspelt {@code scope} must not silently issue
 *     a token without scopes
 */
record IssueRequest(
        String user,
        String scopes,
        String label,
        Duration ttl,
        @JsonAnySetter Map<String, Object> unknown) {

    static final int MAX_USER_LENGTH = 256;
    static final int MAX_LABEL_LENGTH = 256;

    static final String SHAPE = "Body must be a JSON object with 'user', optional 'scopes', 'label' and 'ttl'.";
    static final String INVALID_USER =
            "'user' must be 1 to " + MAX_USER_LENGTH + " visible ASCII characters without spaces.";
    static final String INVALID_SCOPES = "'scopes' must be a string of space-separated visible ASCII words.";
    static final String INVALID_TTL = "'ttl' must be an ISO-8601 duration such as PT24H.";
    static final String INVALID_LABEL = "'label' must be at most " + MAX_LABEL_LENGTH + " printable ASCII characters.";

    /** What to tell the client when {@code field} of an admin request body could not be read as its type. */
    static String problemWith(String field, String shape) {
        return switch (field) {
            case "user" -> INVALID_USER;
            case "scopes" -> INVALID_SCOPES;
            case "ttl" -> INVALID_TTL;
            case "label" -> INVALID_LABEL;
            case "grace" -> RotateRequest.INVALID_GRACE;
            case "certificate" -> RegisterCertificateRequest.INVALID_CERTIFICATE;
            case "fingerprint" -> RegisterCertificateRequest.INVALID_FINGERPRINT;
            default -> shape;
        };
    }

    /** A user id the admin API accepts, in a body or in a path. */
    static boolean isValidUser(String user) {
        return user != null && user.length() <= MAX_USER_LENGTH && HttpTokens.isVisibleAscii(user);
    }

    /** This request with its defaults applied; a 400 naming the first thing wrong with it otherwise. */
    IssueRequest checked(AdminProperties properties) {
        refuseUnknown(unknown);
        if (!isValidUser(user)) {
            throw AdminAnswers.badRequest(INVALID_USER);
        }
        String words = checkedScopes(scopes == null ? "" : scopes);
        Duration lifetime = ttl == null ? properties.defaultTtl() : ttl;
        checkLifetime(lifetime, properties);
        return new IssueRequest(user, words, checkedLabel(label), lifetime, Map.of());
    }

    /** A 400 naming the first field of an admin request body that is not one of its own. */
    static void refuseUnknown(Map<String, Object> unknown) {
        if (unknown != null && !unknown.isEmpty()) {
            throw AdminAnswers.badRequest(
                    "Unknown field '" + unknown.keySet().iterator().next() + "'.");
        }
    }

    /** The scopes trimmed; a 400 when they are not space-separated visible ASCII words. */
    static String checkedScopes(String scopes) {
        String words = scopes.trim();
        if (!HttpTokens.isPrintableAscii(words)) {
            throw AdminAnswers.badRequest(INVALID_SCOPES);
        }
        return words;
    }

    /** The label trimmed, null when absent or blank; a 400 when it is not one. */
    static String checkedLabel(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        String trimmed = label.trim();
        if (trimmed.length() > MAX_LABEL_LENGTH || !HttpTokens.isPrintableAscii(trimmed)) {
            throw AdminAnswers.badRequest(INVALID_LABEL);
        }
        return trimmed;
    }

    /** A 400 unless {@code lifetime} is positive and at most {@code tokengate.admin.max-ttl}. */
    static void checkLifetime(Duration lifetime, AdminProperties properties) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(properties.maxTtl()) > 0) {
            throw AdminAnswers.badRequest(
                    "'ttl' must be positive and at most " + properties.maxTtl() + " (tokengate.admin.max-ttl).");
        }
    }
}
