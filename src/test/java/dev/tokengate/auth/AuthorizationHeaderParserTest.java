package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizationHeaderParserTest {

    private final AuthorizationHeaderParser parser = new AuthorizationHeaderParser(List.of("Bearer", "Token"));

    @ParameterizedTest
    @CsvSource(
            delimiterString = "|",
            value = {
                "Bearer abc|abc",
                "bearer abc|abc",
                "BEARER abc|abc",
                "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b|9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                "'  Bearer   abc.def-ghi_jkl~mno+pqr/stu=  '|abc.def-ghi_jkl~mno+pqr/stu=",
                "Bearer a,b;c\"d|a,b;c\"d"
            })
    void wellFormedTokenIsExtracted(String header, String token) {
        assertThat(parser.parse(List.of(header))).isEqualTo(new Credentials.Token(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "Basic dXNlcjpwYXNz", "Bearertoken abc", "Negotiate", "Béarer abc"})
    void emptyValueOrAnotherSchemeIsMissing(String header) {
        assertThat(parser.parse(List.of(header))).isEqualTo(Credentials.MISSING);
    }

    @Test
    void absentHeaderIsMissing() {
        assertThat(parser.parse(null)).isEqualTo(Credentials.MISSING);
        assertThat(parser.parse(List.of())).isEqualTo(Credentials.MISSING);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"Bearer", "Bearer   ", "Bearer a b", "Bearer a\tb", "Bearer\tabc", "Bearer abc\u0000", "Token é"
            })
    void ourSchemeWithoutExactlyOneVisibleAsciiTokenIsMalformed(String header) {
        assertThat(parser.parse(List.of(header))).isInstanceOf(Credentials.Malformed.class);
    }

    @Test
    void tokenLengthLimitIs4096Characters() {
        String longest = "x".repeat(AuthorizationHeaderParser.MAX_TOKEN_LENGTH);

        assertThat(parser.parse(List.of("Bearer " + longest))).isEqualTo(new Credentials.Token(longest));
        assertThat(parser.parse(List.of("Bearer " + longest + "x"))).isInstanceOf(Credentials.Malformed.class);
    }

    @Test
    void severalAuthorizationHeadersAreMalformed() {
        assertThat(parser.parse(List.of("Bearer abc", "Bearer abc"))).isInstanceOf(Credentials.Malformed.class);
        assertThat(parser.parse(List.of("Basic abc", "Bearer abc"))).isInstanceOf(Credentials.Malformed.class);
    }

    @Test
    void onlyConfiguredSchemesCarryTokens() {
        AuthorizationHeaderParser bearerOnly = new AuthorizationHeaderParser(List.of("Bearer"));

        assertThat(bearerOnly.parse(List.of("Token abc"))).isEqualTo(Credentials.MISSING);
    }

    @Test
    void tokenNeverAppearsInToString() {
        assertThat(new Credentials.Token("s3cret").toString()).doesNotContain("s3cret");
    }
}
