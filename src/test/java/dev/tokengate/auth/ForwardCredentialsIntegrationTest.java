package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(
        properties = {
            "tokengate.auth.forward-credentials=true",
            "tokengate.auth.user-header=X-Auth-User",
            "tokengate.auth.scopes-header=X-Auth-Scopes",
            "tokengate.auth.schemes=Bearer"
        })
class ForwardCredentialsIntegrationTest extends GatewayIntegrationTest {

    @Test
    void authorizationIsForwardedWhenConfiguredAlongWithRenamedIdentityHeaders() {
        String token = tokens.issue("frank", "orders:read");

        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .header("X-Auth-User", "admin")
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(upstream.lastRequest().header(HttpHeaders.AUTHORIZATION)).isEqualTo("Bearer " + token);
        assertThat(upstream.lastRequest().header("X-Auth-User")).isEqualTo("frank");
        assertThat(upstream.lastRequest().header("X-Auth-Scopes")).isEqualTo("orders:read");
    }

    @Test
    void schemesOutsideTheConfiguredListCountAsNoCredentials() {
        String token = tokens.issue("frank", "orders:read");

        client.get()
                .uri("/orders/1")
                .header(HttpHeaders.AUTHORIZATION, "Token " + token)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tokengate\"");

        assertThat(upstream.requestCount()).isZero();
    }
}
