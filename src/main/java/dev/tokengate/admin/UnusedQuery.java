package dev.tokengate.admin;

import java.util.Map;
import org.springframework.validation.Validator;

/**
 * The query of {@code GET /admin/tokens/unused}.
 *
 * @param days how many days a token must have gone unused, 1 to {@value #MAX_DAYS}; required
 * @param limit the most tokens to list, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} when absent
 */
record UnusedQuery(Integer days, Integer limit) {

    static final int MAX_DAYS = 3650;
    static final int DEFAULT_LIMIT = 1000;
    static final int MAX_LIMIT = 10_000;

    static final QueryParameters<UnusedQuery> PARAMETERS = new QueryParameters<>(
            UnusedQuery.class,
            Map.of(
                    "days", "Give days=N, a whole number of days from 1 to " + MAX_DAYS + ".",
                    "limit", "limit is a whole number from 1 to " + MAX_LIMIT + "."),
            Validator.forInstanceOf(UnusedQuery.class, (query, errors) -> {
                if (query.days() == null || query.days() < 1 || query.days() > MAX_DAYS) {
                    errors.rejectValue("days", "range");
                }
                if (query.limit() < 1 || query.limit() > MAX_LIMIT) {
                    errors.rejectValue("limit", "range");
                }
            }));

    UnusedQuery {
        limit = limit == null ? DEFAULT_LIMIT : limit;
    }
}
