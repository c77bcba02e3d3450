package dev.tokengate.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** The known name nearest to a mistyped one, for "did you mean ...?" in the gateway's refusals. */
public final class NearestName {

    /** A suggestion only when the nearest name is this close: further away, it would be a guess. */
    static final int MAX_DISTANCE = 4;

    private NearestName() {}

    public static Optional<String> among(Collection<String> known, String name) {
        return known.stream()
                .min(Comparator.comparingInt(candidate -> distance(name, candidate)))
                .filter(nearest -> distance(name, nearest) <= Math.min(MAX_DISTANCE, Math.max(1, name.length() / 2)));
    }

    /** Levenshtein distance: the fewest single-character edits that turn one name into the other. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
