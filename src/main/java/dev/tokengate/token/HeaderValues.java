package dev.tokengate.token;

/** Which stored values can travel to the upstream as a header without corrupting the request. */
final class HeaderValues {

    private HeaderValues() {}

    /** Printable ASCII and tabs only: no CR/LF that would split the request, no bytes a proxy would mangle. */
    static boolean isSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
