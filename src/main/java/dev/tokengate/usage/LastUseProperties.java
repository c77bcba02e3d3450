package dev.tokengate.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * When each token was last used, as the admin API lists it. Each instance notes the tokens it accepts in memory and
 * writes them to Redis once per {@code interval}, so a token's last use is known to within that interval and costs no
 * Redis command on the request path.
 *
 * @param enabled Record last use (only with {@code tokengate.auth.token-hashing: sha256}: the record names hashes).
 * @param interval How often each instance writes the tokens it saw: at most one write per token per interval.
 * @param retention How long a last use is kept once the token is no longer seen. Keep it at least {@code
 *     tokengate.admin.max-ttl}, the longest an issued token lives.
 */
@ConfigurationProperties(LastUseProperties.PREFIX)
public record LastUseProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue(DEFAULT_INTERVAL) Duration interval,
        @DefaultValue(DEFAULT_RETENTION) Duration retention) {

    public static final String PREFIX = "tokengate.last-used";
    public static final String DEFAULT_INTERVAL = "1m";
    public static final String DEFAULT_RETENTION = "90d";

    public LastUseProperties {
        Assert.isTrue(
                !interval.isNegative() && !interval.isZero() && !retention.isNegative() && !retention.isZero(),
                PREFIX + ".interval and retention must be positive");
    }
}
