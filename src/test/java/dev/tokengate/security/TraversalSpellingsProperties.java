package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.PathSpellings;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingLeakDetector;
import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated traversal spellings (jqwik) from a public route into token routes, and from a scoped route into one that
 * needs a scope the token lacks. Whatever the gateway answers, nothing reaches the upstream that a normalising
 * upstream or hop (nginx, Envoy, Tomcat: decoding, {@code \} as {@code /}, {@code ;} parameters dropped, dot segments
 * resolved) would serve outside the route the gateway checked. Raw sockets, to the test routes on a gateway of its
 * own.
 */
class TraversalSpellingsProperties {

    private static final String[] PARENT = {"..", "%2e%2e", "%2E%2E", ".%2e", "%2E.", "..;", "..;x=1", "%2e%2e;"};
    private static final String[] CURRENT = {".", "%2e", "%2E", ".;"};
    private static final String[] SEPARATOR = {"/", "%2f", "%2F", "\\", "%5c", "%5C", "//", "/;/"};
    private static final String[] PROTECTED = {"orders/1", "orders-admin/1", "catalog/1"};

    private static final RecordingUpstream upstream = RecordingUpstream.shared();
    private static TestTokens tokens;
    private static GatewayInstance gateway;
    private static String ordersReader;

    @BeforeContainer
    static void startGateway() {
        tokens = new TestTokens(TestRedis.shared());
        gateway = GatewayInstance.start(TestRedis.shared());
        ordersReader = tokens.issue("reader", "orders:read");
    }

    @AfterContainer
    static void stopGateway() {
        gateway.close();
        tokens.close();
        assertThat(RecordingLeakDetector.takeReports()).isEmpty();
    }

    @Property(tries = 300)
    void fromThePublicRouteNothingUncheckedLeavesIt(@ForAll Random random) {
        String path = "/public/" + traversal(random) + PathSpellings.encode(pick(random, PROTECTED), random);

        RawHttpClient.Response response = send(path, List.of());

        assertThat(response.status()).as(path).isBetween(200, 499);
        if (response.status() < 400) {
            assertThat(normalised(upstream.lastRequest().uri())).as(path).startsWith("/public/");
        }
    }

    @Property(tries = 300)
    void fromAScopedRouteNoRouteNeedingAnotherScopeIsReached(@ForAll Random random) {
        String path = "/orders/" + traversal(random) + PathSpellings.encode("orders-admin/1", random);

        RawHttpClient.Response response = send(path, List.of("Authorization: Bearer " + ordersReader));

        assertThat(response.status()).as(path).isBetween(200, 499);
        if (response.status() < 400) {
            assertThat(normalised(upstream.lastRequest().uri())).as(path).doesNotStartWith("/orders-admin");
        }
    }

    private static RawHttpClient.Response send(String path, List<String> headers) {
        upstream.clear();
        RawHttpClient.Response response = new RawHttpClient(gateway.port()).request("GET", path, headers, null);
        if (response.status() >= 400) {
            assertThat(upstream.requestCount()).as(path).isZero();
        }
        return response;
    }

    /** One to three steps up (or in place), each with an optional segment before it and any separator after. */
    private static String traversal(Random random) {
        StringBuilder steps = new StringBuilder();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                steps.append("x").append(pick(random, SEPARATOR));
            }
            steps.append(random.nextInt(4) == 0 ? pick(random, CURRENT) : pick(random, PARENT));
            steps.append(pick(random, SEPARATOR));
        }
        return steps.toString();
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The path a normalising server would serve for {@code uri}. */
    static String normalised(String uri) {
        String path = uri.split("\\?", 2)[0];
        path = percentDecoded(percentDecoded(path)).replace('\\', '/');
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            String name = segment.contains(";") ? segment.substring(0, segment.indexOf(';')) : segment;
            if (name.equals("..")) {
                segments.pollLast();
            } else if (!name.isEmpty() && !name.equals(".")) {
                segments.addLast(name);
            }
        }
        return "/" + String.join("/", segments) + (path.endsWith("/") ? "/" : "");
    }

    private static String percentDecoded(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && isHex(value, i + 1) && isHex(value, i + 2)) {
                bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean isHex(String value, int index) {
        return index < value.length() && Character.digit(value.charAt(index), 16) >= 0;
    }
}
