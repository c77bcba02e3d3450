package dev.tokengate.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The spellings an attacker tries for a path: percent-encoding of any character (hex digits in either case), {@code ;}
 * parameters on a segment, dot segments (plain or encoded), doubled slashes, encoded slashes and backslashes. Each
 * spelling names the same resource to a server that decodes, drops parameters and resolves dot segments, which is
 * what some hop between client and service may well do.
 */
public final class PathSpellings {

    private static final String[] PARAMETERS = {";", ";x=1", ";jsessionid=0A1B"};
    private static final String[] SAME_PLACE = {"/./", "/%2e/", "/%2E/", "/x/../", "/x/%2e%2e/", "/x/.%2E/", "/x/..;/"};
    private static final String[] SEPARATORS = {"//", "%2f", "%2F", "\\", "%5c", "%5C"};

    /**
     * Paths the firewall refuses (400, "Malformed request path.") before routing, one of each kind: dot segments plain
     * and encoded, {@code ;} parameters, encoded separators, doubled slashes, control and non-ASCII characters, double
     * encoding. Each would name a protected route, or a different one, to some server behind.
     */
    private static final List<String> NON_CANONICAL = List.of(
            "/public/../orders/1",
            "/public/%2e%2e/orders/1",
            "/public/%2E%2E/orders/1",
            "/public/.%2e/orders/1",
            "/public/%2e./orders/1",
            "/public/./orders/1",
            "/public/%2e/x",
            "/public/x/..",
            "/public/x/.",
            "/public/..;/orders/1",
            "/public;/x",
            "/public;x=1/x",
            "/public/x;jsessionid=1",
            "/public/x%3bjsessionid=1",
            "/public%2F..%2Forders/1",
            "/public/%2f/x",
            "/public/x%5c..%5corders%5c1",
            "/public//x",
            "//public/x",
            "/public/%00",
            "/public/%01x",
            "/public/%1f",
            "/public/%7f",
            "/public/x%0d%0aX-User-Id:%20admin",
            "/public/%252e%252e/orders/1",
            "/public/%25",
            "/public/%E2%80%A8",
            "/public/\u00e9",
            "/public/%c2%85",
            "/orders/../orders-admin/1",
            "/orders/%2e%2e/orders-admin/1");

    private PathSpellings() {}

    /** The paths of {@link #NON_CANONICAL}, for a {@code @MethodSource}. */
    public static List<String> nonCanonical() {
        return NON_CANONICAL;
    }

    /** A random spelling of {@code canonical} (an absolute path of plain segments); sometimes the path itself. */
    public static String spell(String canonical, Random random) {
        List<String> segments = new ArrayList<>(List.of(canonical.substring(1).split("/", -1)));
        StringBuilder spelled = new StringBuilder();
        for (String segment : segments) {
            spelled.append(separator(random));
            spelled.append(encode(segment, random));
            if (random.nextInt(8) == 0) {
                spelled.append(PARAMETERS[random.nextInt(PARAMETERS.length)]);
            }
        }
        return spelled.toString();
    }

    private static String separator(Random random) {
        int pick = random.nextInt(12);
        if (pick < 8) {
            return "/";
        }
        if (pick < 10) {
            return SAME_PLACE[random.nextInt(SAME_PLACE.length)];
        }
        return SEPARATORS[random.nextInt(SEPARATORS.length)];
    }

    /** Percent-encodes some characters of {@code segment}, in upper or lower case hex. */
    public static String encode(String segment, Random random) {
        StringBuilder encoded = new StringBuilder();
        for (char c : segment.toCharArray()) {
            if (random.nextInt(5) == 0) {
                String hex = String.format("%02X", (int) c);
                encoded.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT));
            } else {
                encoded.append(c);
            }
        }
        return encoded.toString();
    }
}
