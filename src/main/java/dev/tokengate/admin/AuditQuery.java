package dev.tokengate.admin;

import java.time.Instant;
import java.util.Map;
import org.springframework.validation.Validator;

/**
 * The query of {@code GET /admin/audit}.
 *
 * @param limit the most entries to list, newest first, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} when absent
 * @param since the oldest entry's time, ISO-8601; none when absent
 */
record AuditQuery(Integer limit, Instant since) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static final QueryParameters<AuditQuery> PARAMETERS = new QueryParameters<>(
            AuditQuery.class,
            Map.of(
                    "limit",
                    "limit is a whole number from 1 to " + MAX_LIMIT + ".",
                    "since",
                    "since is an ISO-8601 time in UTC, such as 2026-12-03T08:00:00Z."),
            Validator.forInstanceOf(AuditQuery.class, (query, errors) -> {
                if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
                    errors.rejectValue("limit", "range");
                }
            }));

    AuditQuery {
        limit = limit == null ? DEFAULT_LIMIT : limit;
    }
}
