package dev.tokengate.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.server.PathContainer;

/** The policy table and the trusted callers are checked where they are configured: a mistake stops startup. */
class AuthzPropertiesTest {

    @Test
    void aPolicyTableBindsAndMatchesFirstEntryFirst() throws Exception {
        AuthzProperties properties = bind(Map.of(
                "tokengate.authz.policies[0].id", "health",
                "tokengate.authz.policies[0].paths", "/health, /status/**",
                "tokengate.authz.policies[0].auth", "none",
                "tokengate.authz.policies[1].id", "admin",
                "tokengate.authz.policies[1].hosts", "*.Admin.example.org",
                "tokengate.authz.policies[1].methods", "post",
                "tokengate.authz.policies[1].scopes", "admin audit"));
        AuthzPolicies policies = new AuthzPolicies(properties.policies());

        assertThat(policies.match("GET", "api.example.org", path("/status/1")).id())
                .isEqualTo("health");
        assertThat(policies.match("GET", "api.example.org", path("/status/1"))
                        .policy()
                        .authRequired())
                .isFalse();
        AuthzPolicies.Matched admin = policies.match("POST", "eu.admin.example.org", path("/users"));
        assertThat(admin.id()).isEqualTo("admin");
        assertThat(admin.policy().requiredScopes()).containsExactly("admin", "audit");
        assertThat(policies.match("POST", "admin.example.org", path("/users")).id())
                .isEqualTo(AuthzPolicies.DEFAULT_ID);
        assertThat(policies.match("GET", "eu.admin.example.org", path("/users")).id())
                .isEqualTo(AuthzPolicies.DEFAULT_ID);
        AuthzPolicies.Matched fallback = policies.match("GET", "x", path("/healthz"));
        assertThat(fallback.policy().authRequired()).isTrue();
        assertThat(fallback.policy().requiredScopes()).isEmpty();
        assertThat(properties.path()).isEqualTo("/_tokengate/authz");
        assertThat(properties.enabled()).isFalse();
    }

    /**
     * An unknown method or host (null) decides every policy that names none; a policy that names one and matches on
     * everything known cannot be passed over, since it might be the first match.
     */
    @Test
    void anUnknownMethodOrHostIsUndecidableOnlyWhereAPolicyThatNamesOneWouldBeConsulted() throws Exception {
        AuthzPolicies policies = new AuthzPolicies(bind(Map.of(
                        "tokengate.authz.policies[0].id", "status",
                        "tokengate.authz.policies[0].paths", "/status/**",
                        "tokengate.authz.policies[0].auth", "none",
                        "tokengate.authz.policies[1].id", "orders-write",
                        "tokengate.authz.policies[1].paths", "/orders/**",
                        "tokengate.authz.policies[1].methods", "POST",
                        "tokengate.authz.policies[2].id", "orders",
                        "tokengate.authz.policies[2].paths", "/orders/**",
                        "tokengate.authz.policies[3].id", "admin",
                        "tokengate.authz.policies[3].hosts", "admin.example.org"))
                .policies());

        assertThat(policies.match(null, null, path("/status/1")).id()).isEqualTo("status");
        assertThat(policies.match("GET", null, path("/orders/1")).id()).isEqualTo("orders");
        assertThat(policies.match(null, "api.example.org", path("/profile")).id())
                .isEqualTo(AuthzPolicies.DEFAULT_ID);
        assertThatThrownBy(() -> policies.match(null, null, path("/orders/1")))
                .isInstanceOfSatisfying(AuthzPolicies.Undecidable.class, undecidable -> {
                    assertThat(undecidable.policyId()).isEqualTo("orders-write");
                    assertThat(undecidable.missing()).isEqualTo(AuthzPolicies.Missing.METHOD);
                });
        assertThatThrownBy(() -> policies.match("GET", null, path("/profile")))
                .isInstanceOfSatisfying(AuthzPolicies.Undecidable.class, undecidable -> {
                    assertThat(undecidable.policyId()).isEqualTo("admin");
                    assertThat(undecidable.missing()).isEqualTo(AuthzPolicies.Missing.HOST);
                });
    }

    @Test
    void mistakesInThePolicyTableAreRefusedNamingThePolicy() {
        assertThatThrownBy(() -> bind(
                        Map.of("tokengate.authz.policies[0].id", "x", "tokengate.authz.policies[0].auth", "nobody")))
                .hasStackTraceContaining("tokengate.authz.policies[x]: metadata auth: 'nobody' is none of");
        assertThatThrownBy(() -> bind(Map.of(
                        "tokengate.authz.policies[0].id", "x", "tokengate.authz.policies[0].auth", "certificate")))
                .hasStackTraceContaining("tokengate.authz.policies[x]: auth 'certificate' cannot apply here");
        assertThatThrownBy(() -> bind(
                        Map.of("tokengate.authz.policies[0].id", "x", "tokengate.authz.policies[0].scopes[0]", "a,b")))
                .hasStackTraceContaining("has a comma");
        assertThatThrownBy(() -> bind(Map.of(
                        "tokengate.authz.policies[0].id", "x", "tokengate.authz.policies[0].paths", "/a/**/b/**")))
                .hasStackTraceContaining("tokengate.authz.policies[x]: path '/a/**/b/**'");
        assertThatThrownBy(() -> bind(
                        Map.of("tokengate.authz.policies[0].id", "x", "tokengate.authz.policies[0].hosts", "a..b")))
                .hasStackTraceContaining("host 'a..b' is not a host name pattern");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.policies[0].paths", "/a")))
                .hasStackTraceContaining("every policy needs an id");
        assertThatThrownBy(() -> bind(Map.of(
                        "tokengate.authz.policies[0].id", "x",
                        "tokengate.authz.policies[1].id", "x")))
                .hasStackTraceContaining("the id 'x' is used twice");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.trusted-proxy-ranges", "10.0.0.0/33")))
                .hasStackTraceContaining("'10.0.0.0/33' is not an IP address or CIDR range");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.trusted-proxy-ranges", "proxy.internal")))
                .hasStackTraceContaining("'proxy.internal' is not an IP address or CIDR range");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.path", "/auth/../x")))
                .hasStackTraceContaining("tokengate.authz.path '/auth/../x' must be a path");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.path", "/auth/")))
                .hasStackTraceContaining("must be a path");
    }

    /** The ranges' former name, which tokengate.auth used for a count of proxies, still sets them. */
    @Test
    void trustedProxyRangesDefaultToLoopbackAndTheirFormerNameStillSetsThem() {
        assertThat(bind(Map.of()).trustedProxyRanges()).containsExactly("127.0.0.0/8", "::1");
        assertThat(bind(Map.of("tokengate.authz.trusted-proxies", "10.0.0.0/8, 192.0.2.7"))
                        .trustedProxyRanges())
                .containsExactly("10.0.0.0/8", "192.0.2.7");
        assertThatThrownBy(() -> bind(Map.of("tokengate.authz.trusted-proxies", "proxy.internal")))
                .hasStackTraceContaining("'proxy.internal' is not an IP address or CIDR range");
        assertThatThrownBy(() -> bind(Map.of(
                        "tokengate.authz.trusted-proxies", "10.0.0.0/8",
                        "tokengate.authz.trusted-proxy-ranges", "192.0.2.7")))
                .hasStackTraceContaining("keep only trusted-proxy-ranges");
    }

    @Test
    void trustedProxiesAreCidrRangesOrSingleAddresses() throws Exception {
        assertThat(AddressRange.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.3.4")))
                .isTrue();
        assertThat(AddressRange.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1")))
                .isFalse();
        assertThat(AddressRange.parse("192.168.4.0/22").contains(InetAddress.getByName("192.168.7.255")))
                .isTrue();
        assertThat(AddressRange.parse("192.168.4.0/22").contains(InetAddress.getByName("192.168.8.0")))
                .isFalse();
        assertThat(AddressRange.parse("::1").contains(InetAddress.getByName("::1")))
                .isTrue();
        assertThat(AddressRange.parse("::1").contains(InetAddress.getByName("127.0.0.1")))
                .isFalse();
        assertThat(AddressRange.parse("fd00::/8").contains(InetAddress.getByName("fd12::5")))
                .isTrue();
        assertThat(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")))
                .isTrue();
    }

    private static PathContainer path(String path) {
        return PathContainer.parsePath(path);
    }

    private static AuthzProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate(AuthzProperties.PREFIX, AuthzProperties.class);
    }
}
