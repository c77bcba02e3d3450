package dev.tokengate.auth;

/** Character classes of RFC 9110 that header names, schemes and tokens are made of. */
public final class HttpTokens {

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

    /**
     * Whether two header names reach a backend as the same: names are case-insensitive, and CGI, WSGI and Rack
     * servers turn {@code X_User_Id} into the same variable as {@code X-User-Id}.
     */
    public static boolean sameHeaderForABackend(String name, String header) {
        if (name.length() != header.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (fold(name.charAt(i)) != fold(header.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char fold(char c) {
        return c == '_' ? '-' : Character.toLowerCase(c);
    }

    /** Visible ASCII (RFC 5234 {@code VCHAR}), without space. */
    static boolean isVisibleAscii(char c) {
        return c >= 0x21 && c <= 0x7e;
    }
}
