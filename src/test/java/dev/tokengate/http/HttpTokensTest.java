package dev.tokengate.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one copy of each character rule, at its edges. */
class HttpTokensTest {

    @Test
    void tokensAreTcharOnly() {
        assertThat(HttpTokens.isToken("X-User-Id")).isTrue();
        assertThat(HttpTokens.isToken("Bearer")).isTrue();
        assertThat(HttpTokens.isToken("X User")).isFalse();
        assertThat(HttpTokens.isToken("X:User")).isFalse();
        assertThat(HttpTokens.isToken("")).isFalse();
        assertThat(HttpTokens.isToken(null)).isFalse();
    }

    @Test
    void visibleAsciiHasNoSpaceAndIsNeverEmpty() {
        assertThat(HttpTokens.isVisibleAscii("!~alice")).isTrue();
        assertThat(HttpTokens.isVisibleAscii("a b")).isFalse();
        assertThat(HttpTokens.isVisibleAscii("é")).isFalse();
        assertThat(HttpTokens.isVisibleAscii("")).isFalse();
    }

    @Test
    void printableAsciiAllowsSpacesButNoControlOrNonAscii() {
        assertThat(HttpTokens.isPrintableAscii("orders:read orders:write")).isTrue();
        assertThat(HttpTokens.isPrintableAscii("")).isTrue();
        assertThat(HttpTokens.isPrintableAscii("a\tb")).isFalse();
        assertThat(HttpTokens.isPrintableAscii("a\u007fb")).isFalse();
        assertThat(HttpTokens.isPrintableAscii("/caf\u00e9")).isFalse();
    }

    @Test
    void safeFieldValuesAlsoAllowTabsButNeverLineBreaks() {
        assertThat(HttpTokens.isSafeFieldValue("a\tb c")).isTrue();
        assertThat(HttpTokens.isSafeFieldValue("alice\r\nX-Admin: 1")).isFalse();
        assertThat(HttpTokens.isSafeFieldValue("al\u0000ice")).isFalse();
    }

    @Test
    void headerNamesFoldCaseAndUnderscoresAsBackendsDo() {
        assertThat(HttpTokens.sameHeaderForABackend("x_user_ID", "X-User-Id")).isTrue();
        assertThat(HttpTokens.sameHeaderForABackend("X-User-Ids", "X-User-Id")).isFalse();
    }
}
