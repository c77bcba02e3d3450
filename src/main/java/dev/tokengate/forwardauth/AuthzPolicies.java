package dev.tokengate.forwardauth;

import dev.tokengate.policy.RoutePolicy;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The policy table of the authorization endpoint: what an original request needs, by host, path and method, with the
 * same meaning as a route's metadata. First match wins; a request no entry matches needs a valid token, like a route
 * without metadata.
 */
final class AuthzPolicies {

    /** The id requests that no configured policy matches are counted and logged under. */
    static final String DEFAULT_ID = "default";

    private final List<Entry> entries;
    private final Matched fallback = new Matched(DEFAULT_ID, RoutePolicy.of(Map.of()));

    AuthzPolicies(List<AuthzProperties.Policy> policies) {
        this.entries = policies.stream().map(AuthzPolicies::compile).toList();
    }

    /**
     * The first policy that matches; {@code host} is lower case without port, {@code path} decoded per segment. A
     * {@code null} method or host is one the proxy did not say (nginx's minimal configuration sends only the URI): a
     * policy that names no method or no host is decided without it, but one that does cannot be, and when such a policy
     * is reached before any match the request is {@link Undecidable}.
     */
    Matched match(String method, String host, PathContainer path) throws Undecidable {
        for (Entry entry : entries) {
            if (!entry.matchesKnown(method, host, path)) {
                continue;
            }
            if (method == null && !entry.methods().isEmpty()) {
                throw new Undecidable(entry.matched().id(), Missing.METHOD);
            }
            if (host == null && !entry.hosts().isEmpty()) {
                throw new Undecidable(entry.matched().id(), Missing.HOST);
            }
            return entry.matched();
        }
        return fallback;
    }

    /** A matched policy: its id for metrics and logs, and what it requires. */
    record Matched(String id, RoutePolicy policy) {}

    /** What the original request lacks that a policy needs. */
    enum Missing {
        METHOD,
        HOST
    }

    /** The policy {@code policyId} would have to be consulted, and needs what the request does not say. */
    static final class Undecidable extends Exception {

        private final String policyId;
        private final Missing missing;

        Undecidable(String policyId, Missing missing) {
            super(policyId + " needs the original " + missing, null, false, false);
            this.policyId = policyId;
            this.missing = missing;
        }

        String policyId() {
            return policyId;
        }

        Missing missing() {
            return missing;
        }
    }

    private static Entry compile(AuthzProperties.Policy policy) {
        List<Pattern> hosts = policy.hosts().stream()
                .map(host -> Pattern.compile(host.replace(".", "\\.").replace("*", "[a-z0-9-]+")))
                .toList();
        List<PathPattern> paths = policy.paths().stream()
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
        return new Entry(hosts, paths, policy.methods(), new Matched(policy.id(), RoutePolicy.of(policy.metadata())));
    }

    private record Entry(List<Pattern> hosts, List<PathPattern> paths, List<String> methods, Matched matched) {

        /** Whether the entry matches on everything that is known ({@code null}: not known, not compared). */
        boolean matchesKnown(String method, String host, PathContainer path) {
            return (method == null || methods.isEmpty() || methods.contains(method))
                    && (host == null
                            || hosts.isEmpty()
                            || hosts.stream()
                                    .anyMatch(pattern -> pattern.matcher(host).matches()))
                    && (paths.isEmpty() || paths.stream().anyMatch(pattern -> pattern.matches(path)));
        }
    }
}
