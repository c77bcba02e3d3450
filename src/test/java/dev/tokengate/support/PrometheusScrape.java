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
}
