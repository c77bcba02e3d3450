package dev.tokengate.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * The audit trail of admin actions, kept in a Redis stream that every instance writes to.
 *
 * @param maxEntries About how many entries the stream keeps ({@code XADD MAXLEN ~}): Redis trims whole blocks, so a
 *     few more may remain, never fewer. The log keeps every entry for as long as the logs are kept.
 */
@ConfigurationProperties(AuditProperties.PREFIX)
public record AuditProperties(
        @DefaultValue(DEFAULT_MAX_ENTRIES) long maxEntries) {

    public static final String PREFIX = "tokengate.audit";
    public static final String DEFAULT_MAX_ENTRIES = "10000";

    public AuditProperties {
        Assert.isTrue(maxEntries > 0, PREFIX + ".max-entries must be positive");
    }
}
