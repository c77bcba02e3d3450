package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.tokengate.auth.ClientCertificate;
import dev.tokengate.redis.RedisKeys;
import dev.tokengate.token.TokenHashing;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * The body of {@code POST /admin/certificates}: a client certificate to accept as {@code user}'s credential on routes
 * with {@code auth: certificate} or {@code token-or-certificate}, given as PEM or by its SHA-256 fingerprint.
 *
 * @param certificate the certificate, PEM-encoded; or
 * @param fingerprint its SHA-256 fingerprint, 64 hex digits, with or without colons as openssl prints them
 * @param user, scopes, label, ttl as for a token; a PEM certificate's registration never outlasts the certificate
 * @param unknown every other field, which makes the request invalid
 */
record RegisterCertificateRequest(
        String certificate,
        String fingerprint,
        String user,
        String scopes,
        String label,
        Duration ttl,
        @JsonAnySetter Map<String, Object> unknown) {

    static final String SHAPE = "Body must be a JSON object with 'user', either 'certificate' (PEM) or 'fingerprint',"
            + " and optional 'scopes', 'label' and 'ttl'.";
    static final String INVALID_FINGERPRINT =
            "'fingerprint' must be a SHA-256 fingerprint: 64 hex digits, with or without colons.";
    static final String INVALID_CERTIFICATE = "'certificate' must be one X.509 certificate in PEM.";

    /** What to register, checked; a 400 naming the first thing wrong otherwise. */
    Registration checked(AdminProperties properties, Instant now) {
        IssueRequest.refuseUnknown(unknown);
        if ((certificate == null) == (fingerprint == null)) {
            throw AdminAnswers.badRequest(SHAPE);
        }
        if (!IssueRequest.isValidUser(user)) {
            throw AdminAnswers.badRequest(IssueRequest.INVALID_USER);
        }
        String words = IssueRequest.checkedScopes(scopes == null ? "" : scopes);
        String name = IssueRequest.checkedLabel(label);
        Duration lifetime = ttl == null ? properties.defaultTtl() : ttl;
        IssueRequest.checkLifetime(lifetime, properties);
        if (fingerprint != null) {
            return new Registration(
                    checkedFingerprint(fingerprint), user, words, name, RedisKeys.UNKNOWN_SUBJECT, lifetime, null);
        }
        X509Certificate parsed = parse(certificate);
        Instant notAfter = parsed.getNotAfter().toInstant();
        if (!notAfter.isAfter(now)) {
            throw AdminAnswers.badRequest("The certificate expired at " + notAfter + ".");
        }
        Duration untilExpiry = Duration.between(now, notAfter);
        return new Registration(
                ClientCertificate.fingerprint(parsed),
                user,
                words,
                name,
                parsed.getSubjectX500Principal().getName(),
                lifetime.compareTo(untilExpiry) > 0 ? untilExpiry : lifetime,
                notAfter);
    }

    private static String checkedFingerprint(String value) {
        String digits = value.trim().replace(":", "").toLowerCase(Locale.ROOT);
        if (!TokenHashing.isSha256Hex(digits)) {
            throw AdminAnswers.badRequest(INVALID_FINGERPRINT);
        }
        return digits;
    }

    private static X509Certificate parse(String pem) {
        if (pem.contains("PRIVATE KEY")) {
            throw AdminAnswers.badRequest(
                    "'certificate' holds a private key: send the certificate alone, never its key.");
        }
        try {
            Collection<? extends java.security.cert.Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certificates.size() != 1 || !(certificates.iterator().next() instanceof X509Certificate parsed)) {
                throw AdminAnswers.badRequest(INVALID_CERTIFICATE);
            }
            return parsed;
        } catch (CertificateException e) {
            throw AdminAnswers.badRequest(INVALID_CERTIFICATE);
        }
    }

    /**
     * A checked registration: the fingerprint it is stored under, and how long it lasts.
     *
     * @param notAfter the end of the certificate's validity; null when registered by fingerprint
     */
    record Registration(
            String fingerprint,
            String user,
            String scopes,
            String label,
            String subject,
            Duration ttl,
            Instant notAfter) {

        /** When the registration ends: never after the certificate, which the gateway checks on every request. */
        Instant endsAt(Instant stored) {
            return notAfter != null && stored.isAfter(notAfter) ? notAfter : stored;
        }
    }
}
