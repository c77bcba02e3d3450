package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tokengate.clientaddress.ClientAddressHeader;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.guard.AddressGroups;
import dev.tokengate.guard.FailedAttemptGuard;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.RedisTokenStore;
import dev.tokengate.token.TokenHashing;
import dev.tokengate.token.TokenRecord;
import dev.tokengate.usage.LastUseProperties;
import dev.tokengate.usage.LastUseRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** The filter on its own, with the real token store on the test Redis and a chain that records what it forwards. */
class TokenAuthenticationFilterTest {

    private static final TestRedis redis = TestRedis.shared();

    private static TestTokens tokens;
    private static TestRedisConnection connection;
    private static TokenAuthenticationFilter filter;

    private final AtomicReference<ServerWebExchange> forwarded = new AtomicReference<>();
    private final GatewayFilterChain chain = exchange -> {
        forwarded.set(exchange);
        return Mono.empty();
    };

    @BeforeAll
    static void createFilter() {
        tokens = new TestTokens(redis);
        connection = TestRedisConnection.to(redis);
        AuthProperties properties = new AuthProperties(List.of("Bearer", "Token"), "X-User-Id", "X-User-Scopes", false);
        RedisTokenStore store = new RedisTokenStore(
                connection.shared(),
                TestTokens.KEYS,
                TokenHashing.SHA256,
                Duration.ofMillis(500),
                new SimpleMeterRegistry());
        filter = new TokenAuthenticationFilter(
                properties,
                new TokenCheck(
                        properties,
                        store,
                        new FailedAttemptGuard(
                                connection.shared(),
                                TestTokens.KEYS,
                                0,
                                Duration.ofMinutes(1),
                                Ticker.systemTicker(),
                                new AddressGroups(64)),
                        new ClientAddresses(0, ClientAddressHeader.X_FORWARDED_FOR),
                        new LastUseRecorder(
                                connection.shared(),
                                TestTokens.KEYS,
                                new LastUseProperties(false, Duration.ofMinutes(1), Duration.ofDays(90)),
                                false),
                        new SimpleMeterRegistry()),
                new AuthFailureWriter(
                        new ProblemResponseWriter(JsonMapper.builder().build())));
    }

    @AfterAll
    static void close() {
        connection.close();
        tokens.close();
    }

    @Test
    void validTokenIsForwardedWithTheCheckedIdentityAndWithoutTheClientsOwn() {
        String token = tokens.issue("alice", "orders:read");
        MockServerWebExchange exchange = exchange(
                Map.of("scopes", "orders:read"),
                MockServerHttpRequest.get("/orders/1")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .header("X-User-Id", "admin"));

        StepVerifier.create(filter.filter(exchange, chain)).verifyComplete();

        ServerWebExchange passed = forwarded.get();
        assertThat(passed.getRequest().getHeaders().containsHeader("X-User-Id")).isFalse();
        assertThat((TokenRecord) passed.getAttribute(ExchangeAttributes.AUTHENTICATED))
                .isEqualTo(new TokenRecord("alice", "orders:read", TestTokens.keyOf(token)));
        assertThat((List<String>) passed.getAttribute(ExchangeAttributes.WITHHELD_CREDENTIALS))
                .containsExactly("Bearer " + token);
    }

    @Test
    void missingHeaderIsAnsweredWithoutCallingTheChain() {
        MockServerWebExchange exchange = exchange(Map.of(), MockServerHttpRequest.get("/orders/1"));

        StepVerifier.create(filter.filter(exchange, chain)).verifyComplete();

        assertThat(forwarded.get()).isNull();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                .isEqualTo("Bearer realm=\"tokengate\"");
        StepVerifier.create(exchange.getResponse().getBodyAsString())
                .assertNext(body ->
                        assertThat(body).contains("\"detail\":\"Authentication credentials were not provided.\""))
                .verifyComplete();
    }

    @Test
    void malformedHeaderIsA400WithoutALookup() {
        MockServerWebExchange exchange = exchange(
                Map.of(), MockServerHttpRequest.get("/orders/1").header(HttpHeaders.AUTHORIZATION, "Bearer a b"));

        StepVerifier.create(filter.filter(exchange, chain)).verifyComplete();

        assertThat(forwarded.get()).isNull();
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
                .isEqualTo("Bearer realm=\"tokengate\", error=\"invalid_request\"");
    }

    @Test
    void publicRouteIsForwardedWithoutIdentityHeaders() {
        MockServerWebExchange exchange = exchange(
                Map.of("auth", "none"),
                MockServerHttpRequest.get("/public")
                        .header("X-User-Id", "admin")
                        .header("x_user_scopes", "all"));

        StepVerifier.create(filter.filter(exchange, chain)).verifyComplete();

        HttpHeaders headers = forwarded.get().getRequest().getHeaders();
        assertThat(headers.containsHeader("X-User-Id")).isFalse();
        assertThat(headers.containsHeader("x_user_scopes")).isFalse();
    }

    private static MockServerWebExchange exchange(
            Map<String, Object> metadata, MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        Route route = Route.async()
                .id("test")
                .uri("http://127.0.0.1:1")
                .predicate(e -> true)
                .metadata(metadata)
                .build();
        exchange.getAttributes().put(GATEWAY_ROUTE_ATTR, route);
        return exchange;
    }
}
