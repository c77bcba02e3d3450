package dev.tokengate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.token.TokenRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutePolicyTest {

    @Test
    void routeWithoutMetadataRequiresATokenAndNoScope() {
        RoutePolicy policy = RoutePolicy.of(Map.of());

        assertThat(policy.authRequired()).isTrue();
        assertThat(policy.requiredScopes()).isEmpty();
    }

    @Test
    void authNoneMakesARoutePublicWhateverItsCase() {
        assertThat(RoutePolicy.of(Map.of("auth", "none")).authRequired()).isFalse();
        assertThat(RoutePolicy.of(Map.of("auth", " None ")).authRequired()).isFalse();
    }

    @Test
    void anyOtherAuthValueRequiresAToken() {
        assertThat(RoutePolicy.of(Map.of("auth", "required")).authRequired()).isTrue();
        assertThat(RoutePolicy.of(Map.of("auth", false)).authRequired()).isTrue();
        assertThat(RoutePolicy.of(Map.of("auth", "nope")).authRequired()).isTrue();
    }

    @Test
    void anAuthValueOtherThanNoneOrRequiredIsAProblem() {
        assertThat(RoutePolicy.problems(Map.of("auth", "nonee")))
                .containsExactly(
                        "metadata auth: 'nonee' is none of 'none', 'required', 'certificate', 'token-or-certificate'");
        assertThat(RoutePolicy.problems(Map.of("auth", false))).hasSize(1);
        assertThat(RoutePolicy.problems(Map.of("auth", " Required "))).isEmpty();
        assertThat(RoutePolicy.problems(Map.of("auth", "NONE"))).isEmpty();
    }

    @Test
    void scopesInAnySyntaxOtherThanSpaceSeparatedScopeTokensAreAProblem() {
        assertThat(RoutePolicy.problems(Map.of("scopes", "orders:read,orders:write")))
                .singleElement()
                .asString()
                .contains("has a comma: scopes are separated by spaces");
        assertThat(RoutePolicy.problems(Map.of("scopes", "orders:\"read\"")))
                .singleElement()
                .asString()
                .contains("'orders:\"read\"' is not a scope (RFC 6749 section 3.3");
        assertThat(RoutePolicy.problems(Map.of("scopes", List.of("ok", "caf\u00e9"))))
                .hasSize(1);
        assertThat(RoutePolicy.problems(Map.of("scopes", Map.of("read", "x"))))
                .singleElement()
                .asString()
                .contains("expected a space-separated string or a list of scopes");
        assertThat(RoutePolicy.problems(Map.of("scopes", 5))).hasSize(1);
    }

    @Test
    void everyScopeSyntaxTheRoutesUseHasNoProblem() {
        assertThat(RoutePolicy.problems(Map.of("scopes", " orders:read  orders:write ")))
                .isEmpty();
        assertThat(RoutePolicy.problems(Map.of("scopes", List.of("orders:read", "a/b~!#$"))))
                .isEmpty();
        assertThat(RoutePolicy.problems(Map.of("scopes", Map.of("0", "orders:read", "1", "x"))))
                .isEmpty();
        assertThat(RoutePolicy.problems(Map.of())).isEmpty();
    }

    @Test
    void scopesComeFromASpaceSeparatedStringOrAYamlList() {
        assertThat(RoutePolicy.of(Map.of("scopes", "orders:read  orders:write")).requiredScopes())
                .containsExactly("orders:read", "orders:write");
        assertThat(RoutePolicy.of(Map.of("scopes", List.of("orders:read", "orders:write")))
                        .requiredScopes())
                .containsExactly("orders:read", "orders:write");
        assertThat(RoutePolicy.of(Map.of("scopes", Map.of("0", "orders:read"))).requiredScopes())
                .containsExactly("orders:read");
    }

    @Test
    void everyRequiredScopeMustBeAWholeWordOfTheTokenScopes() {
        RoutePolicy policy = RoutePolicy.of(Map.of("scopes", "orders:read orders:write"));

        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "orders:write orders:read", "auth:token:aaaa")))
                .isTrue();
        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "orders:read", "auth:token:aaaa")))
                .isFalse();
        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "orders:reader orders:write", "auth:token:aaaa")))
                .isFalse();
        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "xorders:read orders:write", "auth:token:aaaa")))
                .isFalse();
        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "orders:read\torders:write", "auth:token:aaaa")))
                .isTrue();
        assertThat(policy.isSatisfiedBy(new TokenRecord("u", "", "auth:token:aaaa")))
                .isFalse();
    }

    @Test
    void scopeChallengeListsEveryRequiredScopeAsAQuotedStringValue() {
        assertThat(RoutePolicy.of(Map.of("scopes", "a:b c\"d")).scopeChallenge())
                .isEqualTo("a:b c\\\"d");
    }

    @Test
    void certificateValuesTakeCertificatesAndStillRequireCredentials() {
        RoutePolicy certificate = RoutePolicy.of(Map.of("auth", " Certificate ", "scopes", "telemetry:write"));
        assertThat(certificate.authRequired()).isTrue();
        assertThat(certificate.accepts()).isEqualTo(RoutePolicy.Accepts.CERTIFICATE);
        assertThat(certificate.requiredScopes()).containsExactly("telemetry:write");
        assertThat(RoutePolicy.of(Map.of("auth", "token-or-certificate")).accepts())
                .isEqualTo(RoutePolicy.Accepts.TOKEN_OR_CERTIFICATE);
        assertThat(RoutePolicy.of(Map.of("auth", "certificates")).accepts())
                .as("a typo takes a token, as the default does")
                .isEqualTo(RoutePolicy.Accepts.TOKEN);
        assertThat(RoutePolicy.problems(Map.of("auth", "token-or-certificate"))).isEmpty();
        assertThat(RoutePolicy.acceptsCertificates(Map.of("auth", "certificate")))
                .isTrue();
        assertThat(RoutePolicy.acceptsCertificates(Map.of("auth", "none"))).isFalse();
        assertThat(RoutePolicy.acceptsCertificates(Map.of())).isFalse();
    }
}
