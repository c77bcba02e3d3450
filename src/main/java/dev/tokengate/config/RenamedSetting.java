package dev.tokengate.config;

import org.springframework.util.Assert;

/**
 * A setting bound under its name and its former name (marked deprecated in the configuration metadata, and warned
 * about at start-up by {@link SettingsCheck}): the value of whichever is set, and a refusal when both are set to
 * different values, since one of them would be silently ignored.
 */
public final class RenamedSetting {

    private RenamedSetting() {}

    /**
     * @param prefix the properties' prefix, such as {@code tokengate.auth}
     * @param name the setting's name under the prefix, such as {@code trusted-proxy-count}
     * @param value its value under {@code name}, null when not set
     * @param formerName its former name under the prefix
     * @param former its value under {@code formerName}, null when not set
     * @param fallback the default, when neither is set
     */
    public static <T> T value(String prefix, String name, T value, String formerName, T former, T fallback) {
        Assert.isTrue(
                value == null || former == null || value.equals(former),
                prefix + "." + name + " and its former name " + prefix + "." + formerName
                        + " are both set, to different values: keep only " + name);
        return value != null ? value : former != null ? former : fallback;
    }
}
