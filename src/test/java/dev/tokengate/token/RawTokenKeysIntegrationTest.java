package dev.tokengate.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** {@code token-hashing: none}, for a login service that already writes raw tokens as keys. */
@TestPropertySource(properties = {"tokengate.auth.token-hashing=none", "tokengate.auth.key-prefix=session:"})
class RawTokenKeysIntegrationTest extends GatewayIntegrationTest {

    @Test
    void tokenStoredUnderItsRawValueIsAccepted() {
        String token = TestTokens.newToken();
        tokens.store("session:" + token, "erin", "orders:read");

        bearer("/orders/1", token).expectStatus().isOk();

        assertThat(upstream.lastRequest().header("X-User-Id")).isEqualTo("erin");
    }

    @Test
    void tokenStoredUnderItsHashIsNotFoundInThisMode() {
        String token = TestTokens.newToken();
        tokens.store("session:" + TokenHashing.sha256Hex(token), "erin", "orders:read");

        bearer("/orders/1", token).expectStatus().isUnauthorized();

        assertThat(upstream.requestCount()).isZero();
    }
}
