import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The near cache's hit ratio once it has settled, which a benchmark row over HTTP cannot reach: with a million tokens
 * of Zipf popularity, the cache fills over tens of millions of requests, while a 10 s row sends about fifty thousand.
 * Drives a cache built as {@code TokenCache} builds it (Caffeine, {@code maximumSize} = {@code max-entries}, every
 * entry living {@code ttl}) with the same token popularity as {@code bench/tokens.lua} (exponent 0.99) at a steady
 * request rate on a simulated clock, and prints the hit ratio over the second half of the requests.
 *
 * <pre>java -cp 'extracted/lib/*' bench/ZipfHitRatio.java TOKENS REQUESTS RATE_PER_SECOND TTL_SECONDS MAX_ENTRIES...</pre>
 *
 * One line per max-entries: {@code <max-entries> <hit ratio>}.
 */
public class ZipfHitRatio {

    private static final double EXPONENT = 0.99;

    public static void main(String[] args) {
        int tokens = Integer.parseInt(args[0]);
        long requests = Long.parseLong(args[1]);
        long nanosPerRequest = TimeUnit.SECONDS.toNanos(1) / Long.parseLong(args[2]);
        Duration ttl = Duration.ofSeconds(Long.parseLong(args[3]));
        double[] cdf = zipfCdf(tokens);
        for (int i = 4; i < args.length; i++) {
            int maxEntries = Integer.parseInt(args[i]);
            System.out.printf("%d %.3f%n", maxEntries, hitRatio(cdf, requests, nanosPerRequest, ttl, maxEntries));
        }
    }

    private static double hitRatio(double[] cdf, long requests, long nanosPerRequest, Duration ttl, int maxEntries) {
        AtomicLong clock = new AtomicLong();
        Cache<Integer, Boolean> cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(ttl)
                .ticker(clock::get)
                .executor(Runnable::run)
                .build();
        SplittableRandom random = new SplittableRandom(42);
        long counted = 0;
        long hits = 0;
        for (long n = 0; n < requests; n++) {
            clock.addAndGet(nanosPerRequest);
            Integer token = pick(cdf, random.nextDouble());
            boolean hit = cache.getIfPresent(token) != null;
            if (!hit) {
                cache.put(token, Boolean.TRUE);
            }
            if (n >= requests / 2) {
                counted++;
                hits += hit ? 1 : 0;
            }
        }
        return (double) hits / counted;
    }

    private static double[] zipfCdf(int tokens) {
        double[] cdf = new double[tokens];
        double sum = 0;
        for (int k = 1; k <= tokens; k++) {
            sum += 1 / Math.pow(k, EXPONENT);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < tokens; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    private static int pick(double[] cdf, double u) {
        int low = 0;
        int high = cdf.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cdf[mid] < u) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
