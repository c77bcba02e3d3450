package dev.tokengate.admin;

import dev.tokengate.audit.AuditEntry;
import dev.tokengate.audit.AuditTrail;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /admin/audit}: the audit trail, newest first. */
record AuditHandler(AuditTrail auditTrail) {

    /** {@code limit} entries (default 100), none older than {@code since}. */
    Mono<ServerResponse> read(ServerRequest request) {
        return AuditQuery.PARAMETERS
                .bind(request.queryParams())
                .flatMap(query -> auditTrail.read(query.limit(), query.since()))
                .flatMap(entries -> AdminAnswers.json(HttpStatus.OK, new AuditEntries(entries)));
    }

    record AuditEntries(List<AuditEntry> entries) {}
}
