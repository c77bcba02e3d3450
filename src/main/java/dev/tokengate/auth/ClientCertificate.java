package dev.tokengate.auth;

import dev.tokengate.token.TokenHashing;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;

/**
 * The certificate a client presented in its TLS handshake, which the handshake has already verified against the
 * trusted authorities of the client port: what the gateway needs of it to look its registration up.
 *
 * @param fingerprint the lowercase SHA-256 hex of its DER encoding, as {@code openssl x509 -fingerprint -sha256} shows
 *     it without colons: also the hash its registration is stored under
 * @param notBefore the start of its validity period
 * @param notAfter the end of its validity period
 */
public record ClientCertificate(String fingerprint, Instant notBefore, Instant notAfter) {

    /** The client's certificate, or {@code null} when the request did not come over TLS with one. */
    public static ClientCertificate of(ServerHttpRequest request) {
        SslInfo ssl = request.getSslInfo();
        X509Certificate[] chain = ssl == null ? null : ssl.getPeerCertificates();
        return chain == null || chain.length == 0 ? null : of(chain[0]);
    }

    public static ClientCertificate of(X509Certificate certificate) {
        return new ClientCertificate(
                fingerprint(certificate),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }

    /** Whether {@code now} lies within the validity period. */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    /** The lowercase SHA-256 hex of the certificate's DER encoding. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return TokenHashing.sha256Hex(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Cannot encode the certificate", e);
        }
    }
}
