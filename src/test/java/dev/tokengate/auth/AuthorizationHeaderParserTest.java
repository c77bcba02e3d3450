package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * Over many arbitrary header values, from a fixed seed so a failure reproduces: the parser never throws, and it
     * agrees with an independent statement of the contract.
     */
    @Test
    void arbitraryValuesNeverThrowAndFollowTheContract() {
        Random random = new Random(20261128L);
        for (int i = 0; i < 50_000; i++) {
            String header = ArbitraryHeaders.next(random);

            assertThatCode(() -> parser.parse(List.of(header))).doesNotThrowAnyException();
            Credentials expected = Contract.expected(header);
            Credentials actual = parser.parse(List.of(header));
            String input = Arrays.toString(header.chars().toArray());
            if (expected instanceof Credentials.Malformed) {
                assertThat(actual).as("parse(%s)", input).isInstanceOf(Credentials.Malformed.class);
            } else {
                assertThat(actual).as("parse(%s)", input).isEqualTo(expected);
            }
        }
    }

    /** The rules of the issue, written as regular expressions rather than as a scanner. */
    private static final class Contract {

        private static final Pattern WELL_FORMED =
                Pattern.compile("[ \\t]*(?i:Bearer|Token) +([\\x21-\\x7e]{1,4096})[ \\t]*", Pattern.DOTALL);
        private static final Pattern OUR_SCHEME =
                Pattern.compile("[ \\t]*(?i:Bearer|Token)([ \\t].*)?", Pattern.DOTALL);

        static Credentials expected(String header) {
            Matcher wellFormed = WELL_FORMED.matcher(header);
            if (wellFormed.matches()) {
                return new Credentials.Token(wellFormed.group(1));
            }
            return OUR_SCHEME.matcher(header).matches() ? new Credentials.Malformed("any reason") : Credentials.MISSING;
        }
    }

    private static final class ArbitraryHeaders {

        private static final String[] PREFIXES = {
            "", "Bearer", "bearer ", "Token ", "BEARER  ", " Bearer", "Basic ", "\tToken"
        };
        private static final char[] CHARS = {
            'a', 'Z', '9', '-', '.', '_', '~', '+', '/', '=', ',', '"', ' ', '\t', '\u0000', '\u001f', '\u007f',
            '\u00e9', '\u00ff', '\u4e2d', '\r', '\n'
        };

        static String next(Random random) {
            StringBuilder header = new StringBuilder(PREFIXES[random.nextInt(PREFIXES.length)]);
            int length = random.nextInt(10) == 0 ? 4090 + random.nextInt(12) : random.nextInt(40);
            boolean plain = random.nextBoolean();
            for (int i = 0; i < length; i++) {
                header.append(plain && random.nextInt(20) != 0 ? 'a' : CHARS[random.nextInt(CHARS.length)]);
            }
            return header.toString();
        }
    }
}
