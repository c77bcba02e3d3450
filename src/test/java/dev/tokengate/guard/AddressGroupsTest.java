package dev.tokengate.guard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressGroupsTest {

    private final AddressGroups groups = new AddressGroups(64);

    @Test
    void anIpv6AddressCountsAsItsSlash64InCanonicalForm() {
        assertThat(groups.of("2001:db8:1:2::7")).isEqualTo("2001:db8:1:2::/64");
        assertThat(groups.of("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).isEqualTo("2001:db8:1:2::/64");
        assertThat(groups.of("2001:db8:1:3::7")).isEqualTo("2001:db8:1:3::/64");
    }

    @Test
    void theLengthIsCountedInBitsNotWholeGroups() {
        assertThat(new AddressGroups(56).of("2001:db8:1:2ff::1")).isEqualTo("2001:db8:1:200::/56");
        assertThat(new AddressGroups(128).of("2001:db8::1")).isEqualTo("2001:db8::1");
    }

    @Test
    void ipv4AddressesCountAloneAlsoWhenWrittenAsIpv6() {
        assertThat(groups.of("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(groups.of("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void whatIsNotAnAddressIsItsOwnGroup() {
        assertThat(groups.of("unknown")).isEqualTo("unknown");
        assertThat(groups.of("not:an:address")).isEqualTo("not:an:address");
    }
}
