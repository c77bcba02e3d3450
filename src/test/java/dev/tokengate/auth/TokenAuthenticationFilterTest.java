package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dev.tokengate.clientaddress.ClientAddressHeader;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestRedisConnection;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
        TestTokenCheck check = TestTokenCheck.on(connection).schemes("Bearer", "Token");
        filter = new TokenAuthenticationFilter(
                check.properties(),
                check.build(new SimpleMeterRegistry()),
                new ClientAddresses(0, ClientAddressHeader.X_FORWARDED_FOR),
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
