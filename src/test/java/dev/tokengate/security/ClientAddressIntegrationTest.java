package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Behind two proxies, and behind one that writes RFC 7239 {@code Forwarded}: the address the brute-force guard counts
 * is the one the outermost trusted proxy saw, whatever the client put to the left of it, and the upstream gets that
 * address as {@code X-Real-IP} and the trusted part of the chain as {@code X-Forwarded-For}. Raw sockets send the
 * header lines exactly as the proxies would.
 */
class ClientAddressIntegrationTest {

    private static final String LIMIT = "tokengate.auth.failed-attempts-per-minute=3";
    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance behindTwoProxies;
    private static GatewayInstance behindForwarded;

    @BeforeAll
    static void startGateways() {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        behindTwoProxies = GatewayInstance.start(redis, LIMIT, "tokengate.auth.trusted-proxy-count=2");
        behindForwarded = GatewayInstance.start(
                redis, LIMIT, "tokengate.auth.trusted-proxy-count=1", "tokengate.auth.client-address-header=forwarded");
    }

    @AfterAll
    static void stopGateways() {
        behindTwoProxies.close();
        behindForwarded.close();
        tokens.close();
        redis.stop();
    }

    @BeforeEach
    void clearUpstream() {
        upstream.clear();
    }

    @Test
    void behindTwoProxiesTheClientIsTheSecondEntryFromTheRightAcrossLines() {
        RawHttpClient raw = new RawHttpClient(behindTwoProxies.port());
        String[] proxied = {"X-Forwarded-For: 203.0.113.66, 198.51.100.20", "X-Forwarded-For: 192.0.2.1"};

        for (int attempt = 0; attempt < 4; attempt++) {
            raw.get("/orders/1", "Authorization: Bearer " + TestTokens.newToken(), proxied[0], proxied[1]);
        }
        RawHttpClient.Response refused =
                raw.get("/orders/1", "Authorization: Bearer " + TestTokens.newToken(), proxied[0], proxied[1]);
        RawHttpClient.Response neighbour = raw.get(
                "/orders/1",
                "Authorization: Bearer " + TestTokens.newToken(),
                "X-Forwarded-For: 203.0.113.66, 198.51.100.21",
                "X-Forwarded-For: 192.0.2.1");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(neighbour.status()).isEqualTo(401);
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("198.51.100.20")))
                .isTrue();
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("203.0.113.66")))
                .isFalse();
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("192.0.2.1"))).isFalse();
        assertThat(upstream.requestCount()).isZero();

        raw.get("/public/1", proxied[0], proxied[1]);
        assertThat(upstream.lastRequest().header("X-Real-IP")).isEqualTo("198.51.100.20");
        assertThat(upstream.lastRequest().header("X-Forwarded-For")).isEqualTo("198.51.100.20, 192.0.2.1, 127.0.0.1");
    }

    @Test
    void behindAForwardedProxyTheClientIsItsLastForParameter() {
        RawHttpClient raw = new RawHttpClient(behindForwarded.port());

        raw.get(
                "/orders/1",
                "Authorization: Bearer " + TestTokens.newToken(),
                "Forwarded: for=203.0.113.66",
                "Forwarded: for=\"[2001:db8::7]:4711\";proto=https",
                "X-Forwarded-For: 203.0.113.67");
        raw.get("/public/1", "Forwarded: for=203.0.113.66", "Forwarded: for=\"[2001:db8::7]:4711\";proto=https");

        // counted by its /64, see AddressGroups
        assertThat(tokens.exists(TestTokens.KEYS.failedAttempts("2001:db8::/64")))
                .isTrue();
        assertThat(upstream.lastRequest().header("X-Real-IP")).isEqualTo("2001:db8::7");
        assertThat(upstream.lastRequest().header("X-Forwarded-For")).isEqualTo("2001:db8::7, 127.0.0.1");
        assertThat(upstream.lastRequest().hasHeader("Forwarded")).isFalse();
    }
}
