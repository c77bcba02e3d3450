package dev.tokengate.support;

import java.util.List;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What Prometheus reads from a gateway's management port. */
public final class PrometheusScrape {

    private PrometheusScrape() {}

    /** The whole text of {@code /actuator/prometheus}. */
    public static String of(WebTestClient management) {
        return management
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    /** Every sample line: one per series, comments and blank lines left out. */
    public static List<String> series(WebTestClient management) {
        return of(management)
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
    }

    /** The sum of the values of every series of {@code meter} that has {@code label}, such as {@code route="x"}. */
    public static double sum(WebTestClient management, String meter, String label) {
        return series(management).stream()
                .filter(series -> series.startsWith(meter + "{") && series.contains(label))
                .mapToDouble(series -> Double.parseDouble(series.substring(series.lastIndexOf(' ') + 1)))
                .sum();
    }
}
