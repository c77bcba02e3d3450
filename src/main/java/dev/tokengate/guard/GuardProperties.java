package dev.tokengate.guard;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * The guard against token guessing.
 *
 * @param failedAttemptsPerMinute Invalid-token attempts a client address may make within a minute, counted in Redis
 *     across all instances; past it the address gets 429 until the minute is over. 0 turns the guard off.
 * @param guard How client addresses are grouped for counting.
 */
@ConfigurationProperties(GuardProperties.PREFIX)
public record GuardProperties(
        @DefaultValue(DEFAULT_FAILED_ATTEMPTS_PER_MINUTE) int failedAttemptsPerMinute,
        @DefaultValue Grouping guard) {

    /**
     * How client addresses are grouped for counting.
     *
     * @param ipv6PrefixLength IPv6 clients are counted, blocked and lifted by this many leading bits of their
     *     address: a client rotating through the addresses of its /64 counts as one. IPv4 addresses count alone.
     */
    public record Grouping(
            @DefaultValue(DEFAULT_IPV6_PREFIX_LENGTH) int ipv6PrefixLength) {

        public Grouping {
            Assert.isTrue(
                    ipv6PrefixLength >= 1 && ipv6PrefixLength <= 128,
                    PREFIX + ".guard.ipv6-prefix-length must be from 1 to 128");
        }
    }

    public static final String PREFIX = "tokengate.auth";
    public static final String DEFAULT_FAILED_ATTEMPTS_PER_MINUTE = "60";
    public static final String DEFAULT_IPV6_PREFIX_LENGTH = "64";

    public GuardProperties {
        Assert.isTrue(
                failedAttemptsPerMinute >= 0,
                PREFIX + ".failed-attempts-per-minute must not be negative (0 turns it off)");
    }
}
