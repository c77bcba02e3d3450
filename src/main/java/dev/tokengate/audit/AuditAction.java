package dev.tokengate.audit;

/** What an admin did, as the audit trail names it. */
public enum AuditAction {
    TOKEN_ISSUE("token.issue"),
    TOKEN_PATCH("token.patch"),
    TOKEN_ROTATE("token.rotate"),
    TOKEN_REVOKE("token.revoke"),
    CERTIFICATE_REGISTER("certificate.register"),
    CERTIFICATE_REVOKE("certificate.revoke"),
    USER_REVOKE("user.revoke"),
    GUARD_UNBLOCK("guard.unblock"),
    ROUTE_SAVE("route.save"),
    ROUTE_DELETE("route.delete"),
    ROUTE_REFRESH("route.refresh");

    private final String label;

    AuditAction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
