package dev.tokengate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.support.TestAdmin;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminPropertiesTest {

    private static final String OTHER_SHA256 = "0".repeat(64);

    @Test
    void theUnnamedCredentialIsNamedAfterTheFirstDigitsOfItsHashNextToTheNamedOnes() {
        AdminProperties properties =
                properties(TestAdmin.TOKEN_SHA256, List.of(new AdminProperties.Credential("alice", OTHER_SHA256)));

        assertThat(properties.allCredentials())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("sha256:16175223c8dd", TestAdmin.TOKEN_SHA256),
                        org.assertj.core.api.Assertions.entry("alice", OTHER_SHA256));
        assertThat(properties.isEnabled()).isTrue();
        assertThat(properties(null, List.of()).isEnabled()).isFalse();
    }

    @Test
    void aNameOrAHashGivenTwiceIsRefused() {
        assertThatThrownBy(() -> properties(
                        null,
                        List.of(
                                new AdminProperties.Credential("alice", OTHER_SHA256),
                                new AdminProperties.Credential("alice", TestAdmin.TOKEN_SHA256))))
                .hasMessageContaining("each name and each token-sha256 only once");
        assertThatThrownBy(
                        () -> properties(OTHER_SHA256, List.of(new AdminProperties.Credential("alice", OTHER_SHA256))))
                .hasMessageContaining("each name and each token-sha256 only once");
    }

    @Test
    void aNameThatIsNotOneWordOrAHashThatIsNotSha256HexIsRefused() {
        assertThatThrownBy(() -> new AdminProperties.Credential("alice smith", OTHER_SHA256))
                .hasMessageContaining("credentials[].name must be 1 to 64 letters, digits and . _ @ -");
        assertThatThrownBy(() -> new AdminProperties.Credential("", OTHER_SHA256))
                .hasMessageContaining("credentials[].name");
        assertThatThrownBy(() -> new AdminProperties.Credential("alice", "ABC"))
                .hasMessageContaining("credentials[].token-sha256 of 'alice' must be 64 lowercase hex digits");
    }

    @Test
    void aNegativeRotationGraceIsRefused() {
        assertThatThrownBy(() -> new AdminProperties(
                        TestAdmin.TOKEN_SHA256,
                        List.of(),
                        Duration.ofHours(24),
                        Duration.ofDays(90),
                        Duration.ofSeconds(-1)))
                .hasMessage("tokengate.admin.rotation-grace must not be negative");
    }

    private static AdminProperties properties(String tokenSha256, List<AdminProperties.Credential> credentials) {
        return new AdminProperties(
                tokenSha256, credentials, Duration.ofHours(24), Duration.ofDays(90), Duration.ofHours(1));
    }
}
