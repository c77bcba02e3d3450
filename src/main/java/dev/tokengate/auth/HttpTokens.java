package dev.tokengate.auth;

/** Character classes of RFC 9110 that header names, schemes and tokens are made of. */
final class HttpTokens {

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpTokens() {}

    /** An RFC 9110 {@code token}: a header name or an auth scheme. */
    static boolean isToken(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && TCHAR_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Visible ASCII (RFC 5234 {@code VCHAR}), without space. */
    static boolean isVisibleAscii(char c) {
        return c >= 0x21 && c <= 0x7e;
    }
}
