package dev.tokengate.http;

/**
 * The character rules of RFC 9110 that header names, schemes, tokens and header values are checked against, in one
 * place: every check the gateway makes on such text uses these.
 */
public final class HttpTokens {

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpTokens() {}

    /** An RFC 9110 {@code token}: a header name or an auth scheme. */
    public static boolean isToken(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isAlphanumeric(c) && TCHAR_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** ASCII letters and digits. */
    public static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Visible ASCII (RFC 5234 {@code VCHAR}), without space. */
    public static boolean isVisibleAscii(char c) {
        return c >= 0x21 && c <= 0x7e;
    }

    /** Printable ASCII: visible ASCII and space. */
    public static boolean isPrintableAscii(char c) {
        return c == ' ' || isVisibleAscii(c);
    }

    /** Printable ASCII only, possibly empty: a raw request path, a list of scopes. */
    public static boolean isPrintableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!isPrintableAscii(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** One or more visible ASCII characters, no space: a user id, a bearer token. */
    public static boolean isVisibleAscii(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isVisibleAscii(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Text that can travel as a header value without corrupting the request: visible ASCII, spaces and tabs. No CR/LF
     * that would split it, no bytes a proxy would mangle.
     */
    public static boolean isSafeFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && !isPrintableAscii(c)) {
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

    /** Whether a header name, as CGI, WSGI and Rack servers see it, starts with {@code prefix} (lower case, {@code -}). */
    public static boolean startsForABackendWith(String name, String prefix) {
        if (name.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (fold(name.charAt(i)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A header name as CGI, WSGI and Rack servers see it: lower case, with {@code -} for {@code _}. */
    public static String foldedForABackend(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            folded.append(fold(name.charAt(i)));
        }
        return folded.toString();
    }

    private static char fold(char c) {
        return c == '_' ? '-' : Character.toLowerCase(c);
    }
}
