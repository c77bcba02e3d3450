package dev.tokengate.authz;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * The authorization endpoint that other proxies (nginx {@code auth_request}, Traefik ForwardAuth, Envoy {@code
 * ext_authz}) call to check a token: on the client port, answered before any route is matched.
 *
 * @param enabled Answer authorization requests at {@code path}. Off by default: a gateway that only forwards does not
 *     need it.
 * @param path Path of the endpoint. Envoy's path-prefix mode appends the original path to it.
 * @param trustedProxies Addresses (CIDR, or a single address) of the proxies that may call the endpoint; any other
 *     caller gets 403. The proxies say in headers which request they ask about, so only they may be believed.
 * @param policies What each original request needs, first match wins; a request no policy matches needs a valid token
 *     with no particular scope.
 */
@ConfigurationProperties(AuthzProperties.PREFIX)
public record AuthzProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue(DEFAULT_PATH) String path,
        @DefaultValue({"127.0.0.0/8", "::1"}) List<String> trustedProxies,
        @DefaultValue List<Policy> policies) {

    public static final String PREFIX = "tokengate.authz";
    public static final String DEFAULT_PATH = "/_tokengate/authz";

    public AuthzProperties {
        Assert.isTrue(
                path.matches("(/[A-Za-z0-9._~-]+)+") && !path.matches(".*/\\.{1,2}(/.*)?"),
                PREFIX + ".path '" + path + "' must be a path like /_tokengate/authz (letters, digits, . _ ~ -)");
        trustedProxies.forEach(range -> Assert.isTrue(
                AddressRange.isRange(range),
                PREFIX + ".trusted-proxies: '" + range + "' is not an IP address or CIDR range"));
        Set<String> ids = new HashSet<>();
        for (Policy policy : policies) {
            Assert.isTrue(ids.add(policy.id()), PREFIX + ".policies: the id '" + policy.id() + "' is used twice");
        }
        trustedProxies = List.copyOf(trustedProxies);
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

        public Policy {
            Assert.isTrue(id != null && !id.isBlank(), PREFIX + ".policies: every policy needs an id");
            hosts = List.copyOf(hosts);
            paths = List.copyOf(paths);
            methods = List.copyOf(methods);
            scopes = List.copyOf(scopes);
        }
    }
}
