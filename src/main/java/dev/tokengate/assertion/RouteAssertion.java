package dev.tokengate.assertion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.route.Route;

/**
 * Whether a route's requests carry a signed assertion, and for which audience, from its metadata:
 *
 * <pre>
 * metadata:
 *   assertion: true                  # or false; tokengate.assertion.enabled when absent
 *   assertion-audience: orders       # the aud claim; the route id when absent
 * </pre>
 *
 * @param audience the {@code aud} of its assertions; null when the route carries none
 */
public record RouteAssertion(String audience) {

    static final String ASSERTION_KEY = "assertion";
    static final String AUDIENCE_KEY = "assertion-audience";

    private static final RouteAssertion NONE = new RouteAssertion(null);

    static RouteAssertion of(Route route, boolean byDefault) {
        Map<String, Object> metadata = route.getMetadata();
        Object configured = metadata.get(ASSERTION_KEY);
        boolean carried = configured == null
                ? byDefault
                : Boolean.parseBoolean(configured.toString().trim());
        if (!carried) {
            return NONE;
        }
        Object audience = metadata.get(AUDIENCE_KEY);
        return new RouteAssertion(
                audience == null ? route.getId() : audience.toString().trim());
    }

    boolean carried() {
        return audience != null;
    }

    /** What is wrong with a route's assertion metadata; empty when nothing is. */
    public static List<String> problems(Map<String, Object> metadata) {
        List<String> problems = new ArrayList<>();
        Object assertion = metadata.get(ASSERTION_KEY);
        if (assertion != null
                && !assertion.toString().trim().equalsIgnoreCase("true")
                && !assertion.toString().trim().equalsIgnoreCase("false")) {
            problems.add("metadata " + ASSERTION_KEY + ": '" + assertion + "' is neither true nor false");
        }
        Object audience = metadata.get(AUDIENCE_KEY);
        if (audience != null && audience.toString().isBlank()) {
            problems.add("metadata " + AUDIENCE_KEY + " is empty");
        }
        return problems;
    }
}
