package dev.tokengate.clientaddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The comma-separated lists of {@code X-Forwarded-For} and {@code Forwarded} (RFC 7239 section 4). */
final class ForwardedLists {

    private ForwardedLists() {}

    /** The elements of one header line, split at commas outside quoted strings, trimmed; empty ones dropped. */
    static List<String> elements(String line) {
        List<String> elements = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            char c = i < line.length() ? line.charAt(i) : ',';
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                String element = line.substring(start, i).trim();
                if (!element.isEmpty()) {
                    elements.add(element);
                }
                start = i + 1;
            }
        }
        return elements;
    }

    /** The value of a {@code Forwarded} element's {@code for} parameter, unquoted; {@code "unknown"} without one. */
    static String forParameter(String element) {
        for (String pair : element.split(";")) {
            int equals = pair.indexOf('=');
            if (equals > 0
                    && pair.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("for")) {
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return ClientAddresses.UNKNOWN;
    }
}
