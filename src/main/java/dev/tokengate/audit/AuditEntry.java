package dev.tokengate.audit;

import java.time.Instant;

/**
 * One admin action.
 *
 * @param time when the answer was sent
 * @param action an {@link AuditAction} label
 * @param target what it acted on: {@code user:<id>}, {@code token:<first 12 digits of its id>}, {@code route:<id>},
 *     {@code address:<client address>}, several separated by spaces, or {@code -}
 * @param actor the name of the admin credential used (never the credential)
 * @param address the caller's address, as the gateway determines client addresses
 * @param outcome {@code success} (2xx), {@code refused} (4xx) or {@code failed} (5xx)
 * @param status the HTTP status of the answer
 */
public record AuditEntry(
        Instant time, String action, String target, String actor, String address, String outcome, int status) {

    static String outcomeOf(int status) {
        if (status >= 200 && status < 300) {
            return "success";
        }
        return status >= 500 ? "failed" : "refused";
    }
}
