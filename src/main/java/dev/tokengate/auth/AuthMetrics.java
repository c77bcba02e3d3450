package dev.tokengate.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every token check by route and outcome: {@code tokengate.auth.requests{outcome, route}}, exported to
 * Prometheus as {@code tokengate_auth_requests_total}. Outcomes: ok, and each {@link AuthFailure} in lower case
 * (missing, malformed, invalid, forbidden, unavailable, too_many_attempts). Public routes are not counted: nothing is
 * checked there.
 */
final class AuthMetrics {

    static final String NAME = "tokengate.auth.requests";
    static final String OK = "ok";

    private static final AuthFailure[] FAILURES = AuthFailure.values();

    private final MeterRegistry registry;
    // per route: index 0 counts ok, index 1 + ordinal counts each failure; looked up once per route, not per request
    private final ConcurrentHashMap<String, Counter[]> countersByRoute = new ConcurrentHashMap<>();

    AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void authenticated(String routeId) {
        counters(routeId)[0].increment();
    }

    void refused(String routeId, AuthFailure failure) {
        counters(routeId)[1 + failure.ordinal()].increment();
    }

    private Counter[] counters(String routeId) {
        Counter[] counters = countersByRoute.get(routeId);
        return counters != null ? counters : countersByRoute.computeIfAbsent(routeId, this::register);
    }

    private Counter[] register(String routeId) {
        Counter[] counters = new Counter[1 + FAILURES.length];
        counters[0] = counter(routeId, OK);
        for (AuthFailure failure : FAILURES) {
            counters[1 + failure.ordinal()] = counter(routeId, failure.name().toLowerCase(Locale.ROOT));
        }
        return counters;
    }

    private Counter counter(String routeId, String outcome) {
        return Counter.builder(NAME)
                .description("Token checks by route and outcome")
                .tag("route", routeId)
                .tag("outcome", outcome)
                .register(registry);
    }
}
