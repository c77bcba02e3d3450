package dev.tokengate.auth;

import dev.tokengate.http.HttpTokens;
import java.util.List;

/**
 * Reads the credentials of a request from its Authorization header values, following RFC 6750 section 2.1 with the
 * schemes configured in {@link AuthProperties#schemes()}.
 *
 * <p>It never throws: any input is either credentials, missing or malformed.
 */
public final class AuthorizationHeaderParser {

    /** Longer tokens are refused before they reach Redis. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private final List<String> schemes;

    public AuthorizationHeaderParser(List<String> schemes) {
        this.schemes = List.copyOf(schemes);
    }

    /**
     * @param values every value of the Authorization header, or {@code null} when there is none
     */
    public Credentials parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            return Credentials.MISSING;
        }
        if (values.size() > 1) {
            return new Credentials.Malformed("several Authorization headers");
        }
        return parse(values.get(0));
    }

    private Credentials parse(String value) {
        int start = skipWhitespace(value, 0);
        int end = trimWhitespaceEnd(value, start);
        int schemeEnd = start;
        while (schemeEnd < end && !isWhitespace(value.charAt(schemeEnd))) {
            schemeEnd++;
        }
        if (schemeEnd == start || !isOurScheme(value, start, schemeEnd)) {
            return Credentials.MISSING;
        }
        int tokenStart = schemeEnd;
        while (tokenStart < end && value.charAt(tokenStart) == ' ') {
            tokenStart++;
        }
        if (tokenStart == end) {
            return new Credentials.Malformed("scheme without a token");
        }
        if (end - tokenStart > MAX_TOKEN_LENGTH) {
            return new Credentials.Malformed("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        for (int i = tokenStart; i < end; i++) {
            if (!HttpTokens.isVisibleAscii(value.charAt(i))) {
                return new Credentials.Malformed("a second token, or a character outside visible ASCII");
            }
        }
        return new Credentials.Token(value.substring(tokenStart, end));
    }

    private boolean isOurScheme(String value, int start, int end) {
        for (String scheme : schemes) {
            if (scheme.length() == end - start && value.regionMatches(true, start, scheme, 0, scheme.length())) {
                return true;
            }
        }
        return false;
    }

    private static int skipWhitespace(String value, int from) {
        int i = from;
        while (i < value.length() && isWhitespace(value.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int trimWhitespaceEnd(String value, int start) {
        int end = value.length();
        while (end > start && isWhitespace(value.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    // Optional whitespace around a field value, RFC 9110 section 5.6.3.
    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
