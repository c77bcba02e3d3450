package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No client input makes the metrics grow without bound: hundreds of requests with made-up methods and paths, with and
 * without tokens, leave the number of Prometheus series under a fixed bound, and none of the made-up values appears in
 * a label. A gateway of its own, so that no other test's traffic counts.
 */
class MetricCardinalityIntegrationTest {

    /**
     * About 370 series after this traffic (JVM, Reactor Netty, the near cache, one timer per route, standard method
     * and status seen); each made-up method let through would add several, and there are some 270 of them.
     */
    private static final int SERIES_BOUND = 600;

    private static final String[] ROUTES = {"/public/", "/orders/", "/orders-admin/", "/catalog/", "/no-route/"};
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};

    private static TestTokens tokens;
    private static GatewayInstance gateway;

    @BeforeAll
    static void startGateway() {
        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(TestRedis.shared());
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
        tokens.close();
    }

    @Test
    void randomMethodsAndPathsLeaveTheSeriesUnderAFixedBound() {
        Random random = new Random(20261202);
        String token = tokens.issue("metrics-user", "orders:read");
        RawHttpClient raw = new RawHttpClient(gateway.port());
        List<String> madeUp = new ArrayList<>();

        for (int i = 0; i < 400; i++) {
            String method = random.nextInt(3) == 0 ? METHODS[random.nextInt(METHODS.length)] : randomWord(random, true);
            String segment = randomWord(random, false);
            String path = ROUTES[random.nextInt(ROUTES.length)] + segment;
            madeUp.add(method);
            madeUp.add(segment);
            List<String> headers = random.nextBoolean()
                    ? List.of("Authorization: Bearer " + (random.nextBoolean() ? token : TestTokens.newToken()))
                    : List.of();
            int status = raw.request(method, path, headers, null).status();
            if (List.of(METHODS).contains(method)) {
                assertThat(status).isLessThan(500);
            } else {
                assertThat(status).isEqualTo(501);
            }
        }

        List<String> series = PrometheusScrape.series(gateway.management());
        assertThat(series).hasSizeLessThan(SERIES_BOUND);
        for (String value : madeUp) {
            if (!List.of(METHODS).contains(value)) {
                assertThat(series).noneMatch(line -> line.contains("\"" + value + "\""));
            }
        }
    }

    private static String randomWord(Random random, boolean upper) {
        StringBuilder word = new StringBuilder();
        int length = 4 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
            char c = (char) ((upper ? 'A' : 'a') + random.nextInt(26));
            word.append(random.nextInt(4) == 0 ? (char) ('0' + random.nextInt(10)) : c);
        }
        return word.toString();
    }
}
