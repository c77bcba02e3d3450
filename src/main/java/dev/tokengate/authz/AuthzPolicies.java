package dev.tokengate.authz;

import dev.tokengate.auth.RoutePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.server.PathContainer;
import org.springframework.util.Assert;
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

    private static final Pattern HOST_PATTERN = Pattern.compile("(\\*|[a-z0-9-]+)(\\.(\\*|[a-z0-9-]+))*");

    private final List<Entry> entries;
    private final Matched fallback = new Matched(DEFAULT_ID, RoutePolicy.of(Map.of()));

    AuthzPolicies(List<AuthzProperties.Policy> policies) {
        List<Entry> compiled = new ArrayList<>();
        for (AuthzProperties.Policy policy : policies) {
            compiled.add(compile(policy));
        }
        this.entries = List.copyOf(compiled);
    }

    /** The first policy that matches; {@code host} is lower case without port, {@code path} decoded per segment. */
    Matched match(String method, String host, PathContainer path) {
        for (Entry entry : entries) {
            if (entry.matches(method, host, path)) {
                return entry.matched();
            }
        }
        return fallback;
    }

    /** A matched policy: its id for metrics and logs, and what it requires. */
    record Matched(String id, RoutePolicy policy) {}

    private static Entry compile(AuthzProperties.Policy policy) {
        String where = AuthzProperties.PREFIX + ".policies[" + policy.id() + "]: ";
        Map<String, Object> metadata =
                Map.of(RoutePolicy.AUTH_KEY, policy.auth(), RoutePolicy.SCOPES_KEY, String.join(" ", policy.scopes()));
        List<String> problems = RoutePolicy.problems(metadata);
        Assert.isTrue(problems.isEmpty(), () -> where + String.join("; ", problems));
        List<Pattern> hosts = new ArrayList<>();
        for (String host : policy.hosts()) {
            String lower = host.trim().toLowerCase(Locale.ROOT);
            Assert.isTrue(
                    HOST_PATTERN.matcher(lower).matches(),
                    () -> where + "host '" + host + "' is not a host name pattern (labels, * for one label)");
            hosts.add(Pattern.compile(lower.replace(".", "\\.").replace("*", "[a-z0-9-]+")));
        }
        List<PathPattern> paths = new ArrayList<>();
        for (String path : policy.paths()) {
            try {
                paths.add(PathPatternParser.defaultInstance.parse(path));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "path '" + path + "': " + e.getMessage(), e);
            }
        }
        List<String> methods = policy.methods().stream()
                .map(method -> method.trim().toUpperCase(Locale.ROOT))
                .toList();
        return new Entry(hosts, paths, methods, new Matched(policy.id(), RoutePolicy.of(metadata)));
    }

    private record Entry(List<Pattern> hosts, List<PathPattern> paths, List<String> methods, Matched matched) {

        boolean matches(String method, String host, PathContainer path) {
            return (methods.isEmpty() || methods.contains(method))
                    && (hosts.isEmpty()
                            || hosts.stream()
                                    .anyMatch(pattern -> pattern.matcher(host).matches()))
                    && (paths.isEmpty() || paths.stream().anyMatch(pattern -> pattern.matches(path)));
        }
    }
}
