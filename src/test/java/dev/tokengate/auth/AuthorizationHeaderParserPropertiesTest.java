package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the Authorization header parser over generated header values (jqwik, which shrinks a failing value to
 * a minimal one): it never throws, and it accepts exactly what the contract accepts.
 */
class AuthorizationHeaderParserPropertiesTest {

    private final AuthorizationHeaderParser parser = new AuthorizationHeaderParser(List.of("Bearer", "Token"));

    @Property(tries = 5000)
    void anyStringAtAllIsParsedWithoutThrowingAndFollowsTheContract(@ForAll String header) {
        assertFollowsTheContract(header);
    }

    @Property(tries = 20000)
    void valuesNearTheContractFollowIt(@ForAll("nearlyWellFormed") String header) {
        assertFollowsTheContract(header);
    }

    private void assertFollowsTheContract(String header) {
        Credentials expected = Contract.expected(header);
        Credentials actual = parser.parse(List.of(header));
        if (expected instanceof Credentials.Malformed) {
            assertThat(actual).isInstanceOf(Credentials.Malformed.class);
        } else {
            assertThat(actual).isEqualTo(expected);
        }
    }

    /** A scheme-like prefix, whitespace, and a token drawn from the characters the contract is about. */
    @Provide
    Arbitrary<String> nearlyWellFormed() {
        Arbitrary<String> prefix = Arbitraries.of("", "Bearer", "bearer", "TOKEN", "Token", "Basic", "Bearerx", "Bear");
        Arbitrary<String> space = Arbitraries.of("", " ", "  ", "\t", " \t ");
        Arbitrary<String> shortToken = Arbitraries.strings()
                .withCharRange('!', '~')
                .withChars(' ', '\t', '\r', '\n', '\u0000', '\u007f', '\u00e9', '\u4e2d')
                .ofMaxLength(40);
        // Around the 4096-character limit.
        Arbitrary<String> longToken =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(4090).ofMaxLength(4100);
        Arbitrary<String> token = Arbitraries.frequencyOf(Tuple.of(9, shortToken), Tuple.of(1, longToken));
        return Combinators.combine(space, prefix, space, token, space)
                .as((lead, scheme, gap, value, trail) -> lead + scheme + gap + value + trail);
    }

    /** The rules of the issue, written as regular expressions rather than as a scanner. */
    static final class Contract {

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
}
