import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * A flame graph's summary as a table: java bench/JfrSummary.java recording.jfr
 *
 * <p>For each part of the request path, the share of CPU samples whose stack passes through it (inclusive: a sample
 * in Logback called from the access log filter counts for both), then the tokengate and Spring Cloud Gateway methods
 * that most samples pass through. Parts overlap, so the shares do not add up to 100 %.
 */
public class JfrSummary {

    /** Part of the request path, and the frame prefixes (class name, or class.method) that put a sample in it. */
    private static final Map<String, List<String>> PARTS = new LinkedHashMap<>();

    static {
        part("Netty: socket reads and writes, HTTP codec", "io.netty.");
        part("Reactor Netty: server and client connections", "reactor.netty.");
        part("Spring WebFlux: web handler, filters chain", "org.springframework.web.server.", "org.springframework.web.reactive.");
        part("route lookup (router, predicates)", "org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping", "dev.tokengate.route.IndexedRoutePredicateHandlerMapping", "org.springframework.cloud.gateway.handler.predicate.");
        part("proxying (NettyRoutingFilter, write response)", "org.springframework.cloud.gateway.filter.NettyRoutingFilter", "org.springframework.cloud.gateway.filter.NettyWriteResponseFilter");
        part("request header filters (hop-by-hop, forwarded, gateway-owned)", "org.springframework.cloud.gateway.filter.headers.", "dev.tokengate.upstream.");
        part("Spring Cloud Gateway route metrics", "org.springframework.cloud.gateway.filter.GatewayMetricsFilter");
        part("Micrometer", "io.micrometer.");
        part("access log (filter and Logback)", "dev.tokengate.access.AccessLogFilter", "ch.qos.logback.", "org.slf4j.");
        part("request firewall", "dev.tokengate.firewall.");
        part("token check (filter, parse, guard, lookup)", "dev.tokengate.auth.TokenAuthenticationFilter");
        part("near cache", "dev.tokengate.cache.");
        part("Redis (Lettuce)", "io.lettuce.");
        part("client address", "dev.tokengate.clientaddress.ClientAddresses");
        part("Spring HttpHeaders (case-insensitive map)", "org.springframework.http.HttpHeaders", "org.springframework.util.LinkedCaseInsensitiveMap");
    }

    private static void part(String name, String... prefixes) {
        PARTS.put(name, List.of(prefixes));
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> partSamples = new LinkedHashMap<>();
        Map<String, Integer> methodSamples = new LinkedHashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            Set<String> parts = new HashSet<>();
            Set<String> methods = new HashSet<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                String type = frame.getMethod().getType().getName();
                String method = type + "." + frame.getMethod().getName();
                PARTS.forEach((name, prefixes) -> {
                    for (String prefix : prefixes) {
                        if (method.startsWith(prefix)) {
                            parts.add(name);
                        }
                    }
                });
                if (type.startsWith("dev.tokengate.") || type.startsWith("org.springframework.cloud.gateway.")) {
                    methods.add(method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1));
                }
            }
            parts.forEach(part -> partSamples.merge(part, 1, Integer::sum));
            methods.forEach(method -> methodSamples.merge(method, 1, Integer::sum));
        }
        int total = samples;
        System.out.println("| part of the request path | share of samples |");
        System.out.println("|---|---:|");
        PARTS.keySet().forEach(part -> System.out.printf(
                "| %s | %.1f %% |%n", part, 100.0 * partSamples.getOrDefault(part, 0) / Math.max(total, 1)));
        System.out.println();
        System.out.println("| tokengate or Spring Cloud Gateway method on the stack | share of samples |");
        System.out.println("|---|---:|");
        List<Map.Entry<String, Integer>> top = new ArrayList<>(methodSamples.entrySet());
        top.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        top.stream().limit(20).forEach(entry -> System.out.printf(
                "| `%s` | %.1f %% |%n", entry.getKey(), 100.0 * entry.getValue() / Math.max(total, 1)));
        System.out.println();
        System.out.println(total + " samples");
    }
}
