package dev.tokengate.auth;

import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenStoreProperties;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.web.server.Ssl;

/**
 * Whether routes may take client certificates ({@code auth: certificate} or {@code token-or-certificate}): only when
 * the client port speaks TLS and asks clients for a certificate, and when tokens are stored by their SHA-256, whose
 * keys a certificate's fingerprint shares without a token being able to reach them. A route that asks for
 * certificates otherwise is refused where it is configured, rather than refusing every request later.
 */
public final class ClientCertificateSupport {

    private ClientCertificateSupport() {}

    /** What is wrong with a route that takes certificates under these settings; null when nothing is. */
    public static String problem(Map<String, Object> metadata, Ssl ssl, TokenHashing hashing) {
        if (!RoutePolicy.acceptsCertificates(metadata)) {
            return null;
        }
        return missing(ssl, hashing)
                .map(reason -> "metadata " + RoutePolicy.AUTH_KEY + ": '" + metadata.get(RoutePolicy.AUTH_KEY) + "': "
                        + reason)
                .orElse(null);
    }

    /** Why certificate routes cannot work with these settings; empty when they can. */
    private static Optional<String> missing(Ssl ssl, TokenHashing hashing) {
        boolean tls = Ssl.isEnabled(ssl)
                && (ssl.getBundle() != null || ssl.getKeyStore() != null || ssl.getCertificate() != null);
        if (!tls || (ssl.getClientAuth() != Ssl.ClientAuth.WANT && ssl.getClientAuth() != Ssl.ClientAuth.NEED)) {
            return Optional.of("client certificates need TLS on the client port that asks for them:"
                    + " server.ssl.client-auth=want, with the clients' authority in the trust store of its SSL bundle");
        }
        if (hashing != TokenHashing.SHA256) {
            return Optional.of("client certificates need " + TokenStoreProperties.PREFIX
                    + ".token-hashing=sha256: with raw keys a token could name a certificate's fingerprint");
        }
        return Optional.empty();
    }
}
