package dev.tokengate.support;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Reads a gateway's near-cache meters, and warms its cache with a token. */
public final class NearCacheProbe {

    private NearCacheProbe() {}

    /**
     * Requests {@code token} until an answer comes from the cache. The first lookup may race the invalidation that
     * the token's own creation sent, and then rightly not be kept.
     */
    public static void untilCached(WebTestClient client, MeterRegistry meters, String token) {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> {
            double hits = lookups(meters, "hit");
            BearerRequests.get(client, "/orders/1", token).expectStatus().isOk();
            return lookups(meters, "hit") > hits;
        });
    }

    /** {@code tokengate.cache.lookups} with the given result: hit, miss or bypass. */
    public static double lookups(MeterRegistry meters, String result) {
        return meters.get("tokengate.cache.lookups")
                .tag("result", result)
                .counter()
                .count();
    }

    /** {@code tokengate.cache.tracking}: true while it reads 1. */
    public static boolean trackingGaugeOn(MeterRegistry meters) {
        return meters.get("tokengate.cache.tracking").gauge().value() == 1;
    }

    /** {@code tokengate.cache.invalidations} of the whole cache: flushes and tracking changes. */
    public static double wholeCacheInvalidations(MeterRegistry meters) {
        return meters.get("tokengate.cache.invalidations")
                .tag("scope", "all")
                .counter()
                .count();
    }
}
