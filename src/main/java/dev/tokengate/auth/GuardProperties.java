package dev.tokengate.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * The guard against token guessing.
 *
 * @param failedAttemptsPerMinute Invalid-token attempts a client address may make within a minute, counted in Redis
 *     across all instances; past it the address gets 429 until the minute is over. 0 turns the guard off.
 */
@ConfigurationProperties(GuardProperties.PREFIX)
public record GuardProperties(
        @DefaultValue(DEFAULT_FAILED_ATTEMPTS_PER_MINUTE) int failedAttemptsPerMinute) {

    public static final String PREFIX = "tokengate.auth";
    public static final String DEFAULT_FAILED_ATTEMPTS_PER_MINUTE = "60";

    public GuardProperties {
        Assert.isTrue(
                failedAttemptsPerMinute >= 0,
                PREFIX + ".failed-attempts-per-minute must not be negative (0 turns it off)");
    }
}
