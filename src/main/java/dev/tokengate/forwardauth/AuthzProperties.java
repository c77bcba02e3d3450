package dev.tokengate.forwardauth;

import dev.tokengate.config.RenamedSetting;
import dev.tokengate.http.HttpTokens;
import dev.tokengate.policy.RoutePolicy;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The authorization endpoint that other proxies (nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code
 * ext_authz}) call to check a token: on the client port, answered before any route is matched.
 *
 * @param enabled Answer authorization requests at {@code path}. Off by default: a gateway that only forwards does not
 *     need it.
 * @param path Path of the endpoint. Envoy's path-prefix mode appends the original path to it.
 * @param trustedProxyRanges Addresses (CIDR ranges, or single addresses) of the proxies that may call the endpoint;
 *     any other caller gets 403. The proxies say in headers which request they ask about, so only they may be
 *     believed. Loopback only by default.
 * @param trustedProxies The former name of trusted-proxy-ranges, still read (deprecated: a start-up warning names the
 *     new one).
 * @param policies What each original request needs, first match wins; a request no policy matches needs a valid token
 *     with no particular scope.
 */
@ConfigurationProperties(AuthzProperties.PREFIX)
public record AuthzProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue(DEFAULT_PATH) String path,
        List<String> trustedProxyRanges,
        List<String> trustedProxies,
        @DefaultValue List<Policy> policies) {

    public static final String PREFIX = "tokengate.authz";
    public static final String DEFAULT_PATH = "/_tokengate/authz";
    public static final List<String> DEFAULT_TRUSTED_PROXY_RANGES = List.of("127.0.0.0/8", "::1");

    public AuthzProperties {
        Assert.isTrue(
                path.matches("(/[A-Za-z0-9._~-]+)+") && !path.matches(".*/\\.{1,2}(/.*)?"),
                PREFIX + ".path '" + path + "' must be a path like /_tokengate/authz (letters, digits, . _ ~ -)");
        trustedProxyRanges = List.copyOf(RenamedSetting.value(
                PREFIX,
                "trusted-proxy-ranges",
                trustedProxyRanges,
                "trusted-proxies",
                trustedProxies,
                DEFAULT_TRUSTED_PROXY_RANGES));
        trustedProxyRanges.forEach(range -> Assert.isTrue(
                AddressRange.isRange(range),
                PREFIX + ".trusted-proxy-ranges: '" + range + "' is not an IP address or CIDR range"));
        Set<String> ids = new HashSet<>();
        for (Policy policy : policies) {
            Assert.isTrue(ids.add(policy.id()), PREFIX + ".policies: the id '" + policy.id() + "' is used twice");
        }
        policies = List.copyOf(policies);
    }

    /**
     * One entry of the policy table.
     *
     * @param id Names the policy in metrics ({@code route} tag) and the access log.
     * @param hosts Host patterns of the original request, {@code *} for one label ({@code *.example.org}); empty for
     *     any host.
     * @param paths Path patterns of the original request, as in a route's Path predicate ({@code /orders/**}); empty
     *     for any path.
     * @param methods Methods of the original request; empty for any method.
     * @param auth {@code none} for a public policy, {@code required} (the default) for one that needs a token.
     * @param scopes Scopes the token must all have.
     */
    public record Policy(
            String id,
            @DefaultValue List<String> hosts,
            @DefaultValue List<String> paths,
            @DefaultValue List<String> methods,
            @DefaultValue("required") String auth,
            @DefaultValue List<String> scopes) {

        static final Pattern HOST_PATTERN = Pattern.compile("(\\*|[a-z0-9-]+)(\\.(\\*|[a-z0-9-]+))*");

        public Policy {
            Assert.isTrue(id != null && !id.isBlank(), PREFIX + ".policies: every policy needs an id");
            hosts = hosts.stream()
                    .map(host -> host.trim().toLowerCase(Locale.ROOT))
                    .toList();
            paths = List.copyOf(paths);
            methods = methods.stream()
                    .map(method -> method.trim().toUpperCase(Locale.ROOT))
                    .toList();
            scopes = List.copyOf(scopes);
            String where = PREFIX + ".policies[" + id + "]: ";
            List<String> problems = RoutePolicy.problems(metadata(auth, scopes));
            Assert.isTrue(problems.isEmpty(), () -> where + String.join("; ", problems));
            Assert.isTrue(
                    !RoutePolicy.acceptsCertificates(metadata(auth, scopes)),
                    () -> where + "auth '" + auth + "' cannot apply here: the client's certificate ends at the proxy"
                            + " that calls the authorization endpoint; only tokens are checked");
            for (String host : hosts) {
                Assert.isTrue(
                        HOST_PATTERN.matcher(host).matches(),
                        () -> where + "host '" + host + "' is not a host name pattern (labels, * for one label)");
            }
            for (String path : paths) {
                try {
                    PathPatternParser.defaultInstance.parse(path);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + "path '" + path + "': " + e.getMessage(), e);
                }
            }
            for (String method : methods) {
                Assert.isTrue(HttpTokens.isToken(method), () -> where + "'" + method + "' is not an HTTP method");
            }
        }

        /** What the policy requires, in the words of a route's metadata. */
        Map<String, Object> metadata() {
            return metadata(auth, scopes);
        }

        private static Map<String, Object> metadata(String auth, List<String> scopes) {
            return Map.of(RoutePolicy.AUTH_KEY, auth, RoutePolicy.SCOPES_KEY, String.join(" ", scopes));
        }
    }
}
