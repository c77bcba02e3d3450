package dev.tokengate.audit;

import dev.tokengate.http.ExchangeAttributes;
import org.springframework.web.server.ServerWebExchange;

/**
 * How an admin handler names its call's target for the audit trail more fully than the path can (an issued token's
 * user and id); the audit filter writes what is named here, or what the path says.
 */
public final class AuditTarget {

    private AuditTarget() {}

    /** Names the target of the exchange's admin call. */
    public static void name(ServerWebExchange exchange, String target) {
        exchange.getAttributes().put(ExchangeAttributes.AUDIT_TARGET, target);
    }

    /** A client certificate as the trail names it: {@code certificate:} and the first digits of its fingerprint. */
    public static String certificate(String id) {
        return AuditedRequests.certificateTarget(id);
    }

    /** A token as the trail names it: {@code token:} and the first digits of its id. */
    public static String token(String id) {
        return AuditedRequests.tokenTarget(id);
    }
}
