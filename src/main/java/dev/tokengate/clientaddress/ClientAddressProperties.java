package dev.tokengate.clientaddress;

import dev.tokengate.config.RenamedSetting;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * Which address a request comes from, for the guard and for the upstream's {@code X-Real-IP} and
 * {@code X-Forwarded-For}.
 *
 * @param trustedProxyCount How many proxies in front of the gateway append to X-Forwarded-For. 0 (the default) takes
 *     the client address from the connection; behind one load balancer, set 1 so the guard counts clients, not the
 *     balancer. Never set it higher than the proxies really there: clients could then choose their address.
 * @param trustedProxies The former name of trusted-proxy-count, still read (deprecated: a start-up warning names
 *     the new one).
 * @param clientAddressHeader The header the trusted proxies append the client's address to: x-forwarded-for, or
 *     forwarded (RFC 7239). Read only when trusted-proxy-count is above 0.
 */
@ConfigurationProperties(ClientAddressProperties.PREFIX)
public record ClientAddressProperties(
        Integer trustedProxyCount,
        Integer trustedProxies,
        @DefaultValue(DEFAULT_CLIENT_ADDRESS_HEADER) ClientAddressHeader clientAddressHeader) {

    public static final String PREFIX = "tokengate.auth";
    public static final String DEFAULT_CLIENT_ADDRESS_HEADER = "x-forwarded-for";

    public ClientAddressProperties {
        trustedProxyCount = RenamedSetting.value(
                PREFIX, "trusted-proxy-count", trustedProxyCount, "trusted-proxies", trustedProxies, 0);
        Assert.isTrue(trustedProxyCount >= 0, PREFIX + ".trusted-proxy-count must not be negative");
    }
}
