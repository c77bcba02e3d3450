package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.clientaddress.ClientAddressHeader;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.policy.RoutePolicy;
import dev.tokengate.support.TestCertificates;
import dev.tokengate.support.TestCertificates.Authority;
import dev.tokengate.support.TestCertificates.Issued;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * The check as a value: every outcome is a {@link TokenDecision} carrying what its answer needs, and nothing is
 * written to the response. Against the real token store on the test Redis.
 */
class TokenCheckTest {

    private static final TestRedis redis = TestRedis.shared();
    private static final RoutePolicy NEEDS_ORDERS_READ = RoutePolicy.of(Map.of("scopes", "orders:read"));
    private static final int LIMIT = 2;
    /** As the route filter resolves the client address, behind one proxy. */
    private static final ClientAddresses CLIENT_ADDRESSES = new ClientAddresses(1, ClientAddressHeader.X_FORWARDED_FOR);

    private static TestTokens tokens;
    private static TestRedisConnection connection;
    private static TestRedisConnection nowhere;
    private static SimpleMeterRegistry meters;

    @BeforeAll
    static void connect() {
        tokens = new TestTokens(redis);
        connection = TestRedisConnection.to(redis);
        nowhere = TestRedisConnection.toNowhere();
        meters = new SimpleMeterRegistry();
    }

    @AfterAll
    static void close() {
        connection.close();
        nowhere.close();
        tokens.close();
    }

    @Test
    void aValidTokenWithTheScopesIsAllowedWithItsIdentityAndKey() {
        String token = tokens.issue("alice", "orders:read");
        MockServerWebExchange exchange = exchange("Bearer " + token, "198.18.0.10");

        TokenDecision decision = check(connection, exchange, NEEDS_ORDERS_READ);

        assertThat(decision).isInstanceOfSatisfying(TokenDecision.Allowed.class, allowed -> {
            assertThat(allowed.token().user()).isEqualTo("alice");
            assertThat(allowed.token().scopes()).isEqualTo("orders:read");
            assertThat(allowed.token().key()).isEqualTo(TestTokens.keyOf(token));
        });
        assertThat((String) exchange.getAttribute(ExchangeAttributes.USER)).isEqualTo("alice");
        assertThat(exchange.getResponse().isCommitted()).isFalse();
        assertThat(exchange.getResponse().getStatusCode()).isNull();
    }

    @Test
    void everyRefusalIsAValueNamingItsFailureAndWhatTheAnswerNeeds() {
        String reader = tokens.issue("bob", "profile");

        assertThat(check(connection, exchange("Bearer " + reader, "198.18.0.11"), NEEDS_ORDERS_READ))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.FORBIDDEN, NEEDS_ORDERS_READ, 0));
        assertThat(check(connection, exchange(null, "198.18.0.11"), NEEDS_ORDERS_READ))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.MISSING, NEEDS_ORDERS_READ, 0));
        assertThat(check(connection, exchange("Bearer", "198.18.0.11"), NEEDS_ORDERS_READ))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.MALFORMED, NEEDS_ORDERS_READ, 0));
        MockServerWebExchange unknown = exchange("Bearer " + TestTokens.newToken(), "198.18.0.11");
        assertThat(check(connection, unknown, NEEDS_ORDERS_READ))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.INVALID, NEEDS_ORDERS_READ, 0));
        assertThat(unknown.getResponse().getStatusCode()).isNull();
    }

    @Test
    void pastTheGuardsLimitTheDecisionSaysHowLongTheAddressIsBlocked() {
        for (int attempt = 1; attempt <= LIMIT; attempt++) {
            assertThat(check(connection, exchange("Bearer " + TestTokens.newToken(), "198.18.0.12"), NEEDS_ORDERS_READ))
                    .isEqualTo(new TokenDecision.Denied(AuthFailure.INVALID, NEEDS_ORDERS_READ, 0));
        }

        TokenDecision blocked =
                check(connection, exchange("Bearer " + TestTokens.newToken(), "198.18.0.12"), NEEDS_ORDERS_READ);

        assertThat(blocked).isInstanceOfSatisfying(TokenDecision.Denied.class, denied -> {
            assertThat(denied.failure()).isEqualTo(AuthFailure.TOO_MANY_ATTEMPTS);
            assertThat(denied.retryAfterSeconds()).isBetween(1L, 60L);
        });
    }

    @Test
    void aStoreThatCannotAnswerIsUnavailableNeverAnError() {
        String token = tokens.issue("carol", "orders:read");

        assertThat(check(nowhere, exchange("Bearer " + token, "198.18.0.13"), NEEDS_ORDERS_READ))
                .isSameAs(TokenDecision.UNAVAILABLE);
    }

    /**
     * A certificate's decisions, as a token's: its validity period is read from the certificate itself, so an expired
     * one is refused while Redis cannot answer, where a valid one is {@link TokenDecision#UNAVAILABLE}.
     */
    @Test
    void aClientCertificateIsDecidedByItsRegistrationAndItsOwnValidity() {
        RoutePolicy certificates = RoutePolicy.of(Map.of("auth", "certificate", "scopes", "orders:read"));
        Authority clients = TestCertificates.authority("clients CA");
        Issued registered = clients.issue("device-1");
        Issued expired = clients.issue("device-2", Duration.ofHours(-1));
        tokens.store(TestTokens.KEYS.token(registered.sha256()), "device-1", "orders:read");
        tokens.store(TestTokens.KEYS.token(expired.sha256()), "device-2", "orders:read");

        assertThat(check(connection, presenting(registered), certificates))
                .isInstanceOfSatisfying(
                        TokenDecision.Allowed.class,
                        allowed -> assertThat(allowed.token().user()).isEqualTo("device-1"));
        assertThat(check(connection, presenting(clients.issue("device-3")), certificates))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.CERTIFICATE_UNKNOWN, certificates, 0));
        assertThat(check(connection, exchange("Bearer " + TestTokens.newToken(), "198.18.0.14"), certificates))
                .as("a token is no certificate")
                .isEqualTo(new TokenDecision.Denied(AuthFailure.CERTIFICATE_MISSING, certificates, 0));
        assertThat(check(nowhere, presenting(expired), certificates))
                .isEqualTo(new TokenDecision.Denied(AuthFailure.CERTIFICATE_EXPIRED, certificates, 0));
        assertThat(check(nowhere, presenting(registered), certificates)).isSameAs(TokenDecision.UNAVAILABLE);
    }

    private static MockServerWebExchange presenting(Issued certificate) {
        SslInfo ssl = new SslInfo() {
            @Override
            public String getSessionId() {
                return "test";
            }

            @Override
            public X509Certificate[] getPeerCertificates() {
                return new X509Certificate[] {certificate.certificate()};
            }
        };
        return MockServerWebExchange.from(MockServerHttpRequest.get("/devices/1")
                .header("X-Forwarded-For", "198.18.0.14")
                .sslInfo(ssl));
    }

    private static TokenDecision check(TestRedisConnection redis, MockServerWebExchange exchange, RoutePolicy policy) {
        return tokenCheck(redis)
                .check(exchange, CLIENT_ADDRESSES, "orders", policy)
                .block();
    }

    private static TokenCheck tokenCheck(TestRedisConnection store) {
        return TestTokenCheck.on(connection)
                .storeOn(store)
                .failedAttemptLimit(LIMIT)
                .build(meters);
    }

    private static MockServerWebExchange exchange(String authorization, String client) {
        MockServerHttpRequest.BaseBuilder<?> request =
                MockServerHttpRequest.get("/orders/1").header("X-Forwarded-For", client);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return MockServerWebExchange.from(request);
    }
}
