package dev.tokengate.admin;

import dev.tokengate.audit.AuditTarget;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/certificates}: registers a client certificate as a user's credential. A registration is stored,
 * listed, changed, revoked and audited as a token whose id is the certificate's fingerprint; revoking one here or at
 * {@code /admin/tokens/{id}} is the same.
 */
record CertificatesHandler(AdminProperties properties, TokenAdministration administration, RedisTokenStore tokens) {

    Mono<ServerResponse> register(ServerRequest request) {
        if (tokens.hashing() != TokenHashing.SHA256) {
            return Mono.error(AdminAnswers.needsSha256("Registering certificates"));
        }
        return AdminBodies.read(request, RegisterCertificateRequest.class, RegisterCertificateRequest.SHAPE)
                .switchIfEmpty(Mono.error(() -> AdminAnswers.badRequest(RegisterCertificateRequest.SHAPE)))
                .map(body -> body.checked(properties, Instant.now()))
                .flatMap(registration -> administration
                        .register(
                                registration.fingerprint(),
                                registration.user(),
                                registration.scopes(),
                                registration.label(),
                                registration.subject(),
                                registration.ttl())
                        .map(expiresAt -> new Registered(
                                registration.fingerprint(),
                                registration.user(),
                                registration.scopes(),
                                registration.label(),
                                registration.subject(),
                                registration.endsAt(expiresAt))))
                .doOnNext(registered -> AuditTarget.name(
                        request.exchange(),
                        "user:" + registered.user() + " " + AuditTarget.certificate(registered.id())))
                .flatMap(registered -> AdminAnswers.json(HttpStatus.CREATED, registered));
    }

    /**
     * The answer to a registration.
     *
     * @param id the certificate's fingerprint: the id every token call takes
     * @param subject its subject, {@code ?} when registered by fingerprint
     */
    record Registered(String id, String user, String scopes, String label, String subject, Instant expiresAt) {}
}
