package dev.tokengate.clientaddress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** Which address a request comes from, per RFC 9110's list rule and the number of trusted proxies. */
class ClientAddressesTest {

    private static final String PEER = "10.0.0.5";

    @Test
    void withoutTrustedProxiesItIsThePeerWhateverTheHeadersSay() {
        ClientAddress address = resolve(0, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "203.0.113.9");

        assertThat(address).isEqualTo(new ClientAddress(PEER, List.of(PEER)));
    }

    @Test
    void severalXForwardedForLinesAreOneListInOrder() {
        ClientAddress address = resolve(
                1,
                ClientAddressHeader.X_FORWARDED_FOR,
                "X-Forwarded-For",
                "203.0.113.9",
                "X-Forwarded-For",
                "198.51.100.7");

        assertThat(address.address()).isEqualTo("198.51.100.7");
        assertThat(address.forwardedFor()).isEqualTo("198.51.100.7, " + PEER);
    }

    @Test
    void twoTrustedProxiesCountTwoEntriesFromTheRight() {
        ClientAddress address = resolve(
                2,
                ClientAddressHeader.X_FORWARDED_FOR,
                "X-Forwarded-For",
                "203.0.113.9, 198.51.100.7",
                "X-Forwarded-For",
                "192.0.2.1");

        assertThat(address.address()).isEqualTo("198.51.100.7");
        assertThat(address.forwardedFor()).isEqualTo("198.51.100.7, 192.0.2.1, " + PEER);
    }

    @Test
    void aShorterListThanTheTrustedProxiesStartsAtItsFirstEntry() {
        ClientAddress address = resolve(2, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "198.51.100.7");

        assertThat(address.address()).isEqualTo("198.51.100.7");
    }

    @Test
    void noHeaderFromATrustedProxyMeansThePeer() {
        assertThat(resolve(1, ClientAddressHeader.X_FORWARDED_FOR).address()).isEqualTo(PEER);
    }

    @Test
    void entriesAreCanonicalAddressesWithoutPorts() {
        assertThat(resolve(1, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "198.51.100.7:4711")
                        .address())
                .isEqualTo("198.51.100.7");
        assertThat(resolve(1, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "[2001:DB8:0:0::7]:4711")
                        .address())
                .isEqualTo("2001:db8::7");
        assertThat(resolve(1, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "2001:db8:0:0:0:0:0:7")
                        .address())
                .isEqualTo("2001:db8::7");
    }

    @Test
    void anEntryThatIsNotAnAddressCountsAsThePeerAndIsNeverLookedUp() {
        ClientAddress address =
                resolve(1, ClientAddressHeader.X_FORWARDED_FOR, "X-Forwarded-For", "localhost.example.com");

        assertThat(address.address()).isEqualTo(PEER);
        assertThat(address.forwardedFor()).isEqualTo("unknown, " + PEER);
    }

    @Test
    void forwardedForParametersAreTheListInForwardedMode() {
        ClientAddress address = resolve(
                1,
                ClientAddressHeader.FORWARDED,
                "Forwarded",
                "for=203.0.113.9;proto=http",
                "Forwarded",
                "for=\"[2001:db8::7]:4711\";proto=https, by=proxy");

        assertThat(address.address()).isEqualTo(PEER);
        assertThat(resolve(
                                1,
                                ClientAddressHeader.FORWARDED,
                                "Forwarded",
                                "for=203.0.113.9",
                                "Forwarded",
                                "For=\"[2001:db8::7]:4711\";proto=https")
                        .address())
                .isEqualTo("2001:db8::7");
    }

    @Test
    void forwardedModeIgnoresXForwardedForAndTheOtherWayRound() {
        assertThat(resolve(1, ClientAddressHeader.FORWARDED, "X-Forwarded-For", "198.51.100.7")
                        .address())
                .isEqualTo(PEER);
        assertThat(resolve(1, ClientAddressHeader.X_FORWARDED_FOR, "Forwarded", "for=198.51.100.7")
                        .address())
                .isEqualTo(PEER);
    }

    private static ClientAddress resolve(int trustedProxies, ClientAddressHeader header, String... namesAndValues) {
        MockServerHttpRequest.BaseBuilder<?> request =
                MockServerHttpRequest.get("/orders/1").remoteAddress(new InetSocketAddress(PEER, 40000));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            request.header(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new ClientAddresses(trustedProxies, header).of(MockServerWebExchange.from(request));
    }
}
