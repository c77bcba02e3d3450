package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * The answer to an issue: the raw token, shown this once, and its {@code id}, which every other call and answer uses.
 * {@code hash}, the same value, is kept for scripts written before {@code id} was added.
 */
record IssuedAnswer(String token, String id, String hash, String user, String scopes, String label, Instant expiresAt) {

    static IssuedAnswer of(TokenAdministration.IssuedToken issued) {
        return new IssuedAnswer(
                issued.token(),
                issued.hash(),
                issued.hash(),
                issued.user(),
                issued.scopes(),
                issued.label(),
                issued.expiresAt());
    }

    @Override
    public String toString() {
        return "IssuedAnswer[id=" + id + ", user=" + user + "]";
    }

    /** The answer to a rotation: the issue answer for the new token, and when the old one ends. */
    record Rotated(@JsonUnwrapped IssuedAnswer issued, TokenAdministration.RotatedToken rotated) {

        static Rotated of(TokenAdministration.Rotation rotation) {
            return new Rotated(IssuedAnswer.of(rotation.issued()), rotation.rotated());
        }
    }
}
