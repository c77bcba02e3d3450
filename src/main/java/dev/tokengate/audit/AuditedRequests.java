package dev.tokengate.audit;

import dev.tokengate.http.HttpTokens;
import dev.tokengate.token.TokenHashing;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Which management requests are admin actions, and what each acts on, read from the path as the router matches it
 * (decoded, {@code ;} parameters removed; the firewall has refused every path that is not canonical by then).
 */
final class AuditedRequests {

    private static final int MAX_TARGET_LENGTH = 256;
    private static final String INVALID = "(invalid)";

    private final List<Audited> audited;

    /** @param actuatorBasePath where Spring Cloud Gateway's endpoint lives, {@code /actuator} unless configured */
    AuditedRequests(String actuatorBasePath) {
        String gateway = actuatorBasePath + "/gateway";
        audited = List.of(
                new Audited(HttpMethod.POST, "/admin/tokens", AuditAction.TOKEN_ISSUE, variables -> "-"),
                new Audited(HttpMethod.PATCH, "/admin/tokens/{id}", AuditAction.TOKEN_PATCH, AuditedRequests::token),
                new Audited(
                        HttpMethod.POST, "/admin/tokens/{id}/rotate", AuditAction.TOKEN_ROTATE, AuditedRequests::token),
                new Audited(HttpMethod.DELETE, "/admin/tokens/{id}", AuditAction.TOKEN_REVOKE, AuditedRequests::token),
                new Audited(HttpMethod.POST, "/admin/certificates", AuditAction.CERTIFICATE_REGISTER, variables -> "-"),
                new Audited(
                        HttpMethod.DELETE,
                        "/admin/certificates/{id}",
                        AuditAction.CERTIFICATE_REVOKE,
                        variables -> certificateTarget(variables.get("id"))),
                new Audited(
                        HttpMethod.DELETE,
                        "/admin/users/{user}/tokens",
                        AuditAction.USER_REVOKE,
                        variables -> "user:" + visible(variables.get("user"))),
                new Audited(
                        HttpMethod.DELETE,
                        "/admin/blocks/{address}",
                        AuditAction.GUARD_UNBLOCK,
                        variables -> "address:" + visible(variables.get("address"))),
                new Audited(HttpMethod.POST, gateway + "/routes/{id}", AuditAction.ROUTE_SAVE, AuditedRequests::route),
                new Audited(HttpMethod.POST, gateway + "/routes", AuditAction.ROUTE_SAVE, variables -> "route:*"),
                new Audited(
                        HttpMethod.DELETE, gateway + "/routes/{id}", AuditAction.ROUTE_DELETE, AuditedRequests::route),
                new Audited(HttpMethod.POST, gateway + "/refresh", AuditAction.ROUTE_REFRESH, variables -> "-"));
    }

    /** The action and target of this request, or null when it is not an admin action (a read, or no such path). */
    Action match(HttpMethod method, PathContainer path) {
        for (Audited candidate : audited) {
            if (candidate.method().equals(method)) {
                PathPattern.PathMatchInfo matched = candidate.pattern().matchAndExtract(path);
                if (matched != null) {
                    return new Action(candidate.action(), candidate.target().apply(matched.getUriVariables()));
                }
            }
        }
        return null;
    }

    /** The first digits of a token id, which is all the trail needs to name it. */
    static String tokenTarget(String id) {
        return "token:" + shortId(id);
    }

    /** A certificate by the first digits of its fingerprint, as a token by those of its hash. */
    static String certificateTarget(String id) {
        return "certificate:" + shortId(id);
    }

    private static String shortId(String id) {
        boolean hex = !id.isEmpty() && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        return hex ? TokenHashing.shortId(id) : INVALID;
    }

    private static String token(Map<String, String> variables) {
        return tokenTarget(variables.get("id"));
    }

    private static String route(Map<String, String> variables) {
        return "route:" + visible(variables.get("id"));
    }

    /** Only what can be shown in a log line as one word. */
    private static String visible(String value) {
        return value.length() <= MAX_TARGET_LENGTH && HttpTokens.isVisibleAscii(value) ? value : INVALID;
    }

    record Action(AuditAction action, String target) {}

    private record Audited(
            HttpMethod method, PathPattern pattern, AuditAction action, Function<Map<String, String>, String> target) {

        Audited(HttpMethod method, String pattern, AuditAction action, Function<Map<String, String>, String> target) {
            this(method, PathPatternParser.defaultInstance.parse(pattern), action, target);
        }
    }
}
