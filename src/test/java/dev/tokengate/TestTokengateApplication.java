package dev.tokengate;

import dev.tokengate.support.RecordingUpstream;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import dev.tokengate.token.TokenHashing;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the real gateway with everything it needs on this machine: {@code ./mvnw spring-boot:test-run}. It starts a
 * real Redis (a container where Docker runs, else the embedded binary), a demo upstream that echoes the headers it
 * receives, the demo routes of {@code application-demo.yml} and one demo token, then prints curl lines to try.
 */
public class TestTokengateApplication {

    static final String DEMO_TOKEN = "tokengate-demo-token";
    static final String DEMO_USER = "demo-user";
    static final String DEMO_SCOPES = "demo:read";
    static final String DEMO_ADMIN_TOKEN = "tokengate-demo-admin";

    /** Where the README's redis-cli session expects the dev run's Redis (another port if this one is taken). */
    static final int DEMO_REDIS_PORT = 16379;

    public static void main(String[] args) {
        TestRedis redis = TestRedis.startPreferring(DEMO_REDIS_PORT);
        RecordingUpstream upstream = RecordingUpstream.start(0);
        try (TestTokens tokens = new TestTokens(redis)) {
            tokens.store(TestTokens.keyOf(DEMO_TOKEN), DEMO_USER, DEMO_SCOPES);
        }
        ConfigurableApplicationContext context = SpringApplication.from(TokengateApplication::main)
                .withAdditionalProfiles("demo")
                .run(withDemoServices(args, redis, upstream))
                .getApplicationContext();
        printTryIt(
                context.getEnvironment().getProperty("local.server.port", "8080"),
                context.getEnvironment().getProperty("local.management.port", "8081"),
                redis);
    }

    private static String[] withDemoServices(String[] args, TestRedis redis, RecordingUpstream upstream) {
        String[] all = new String[args.length + 4];
        all[0] = "--spring.data.redis.host=" + redis.host();
        all[1] = "--spring.data.redis.port=" + redis.port();
        all[2] = "--demo.upstream.url=" + upstream.url();
        all[3] = "--tokengate.admin.token-sha256=" + TokenHashing.sha256Hex(DEMO_ADMIN_TOKEN);
        System.arraycopy(args, 0, all, 4, args.length);
        return all;
    }

    private static void printTryIt(String port, String managementPort, TestRedis redis) {
        String base = "http://localhost:" + port;
        String management = "http://localhost:" + managementPort;
        System.out.printf(
                """

                tokengate demo is running on %1$s (Redis on %2$s:%3$d, demo token for %4$s with scope %5$s)

                  Redis, for the README's redis-cli lines:
                    redis-cli -p %3$d

                  200, the upstream echoes X-User-Id and X-User-Scopes:
                    curl -i -H 'Authorization: Bearer %6$s' %1$s/demo/hello
                  401, no credentials:
                    curl -i %1$s/demo/hello
                  403, the token lacks scope demo:admin:
                    curl -i -H 'Authorization: Bearer %6$s' %1$s/demo-admin/hello
                  200 without a token on a public route:
                    curl -i %1$s/demo-public/hello
                  what ops see, on the management port:
                    curl -s %7$s/actuator/health/readiness
                    curl -s %7$s/actuator/prometheus | grep '^tokengate_'
                  issue a token of your own with the admin API (demo admin token: %8$s):
                    curl -s -X POST %7$s/admin/tokens -H 'Authorization: Bearer %8$s' \\
                         -H 'Content-Type: application/json' -d '{"user":"you","scopes":"demo:read"}'

                Stop with Ctrl-C.
                """,
                base, redis.host(), redis.port(), DEMO_USER, DEMO_SCOPES, DEMO_TOKEN, management, DEMO_ADMIN_TOKEN);
    }
}
