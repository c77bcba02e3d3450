package dev.tokengate.support;

import dev.tokengate.TokengateApplication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One more gateway process-alike: a full application context on its own random port, on the same Redis and upstream
 * as the test's own gateway, for tests of several instances.
 */
public final class GatewayInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final WebTestClient client;
    private final WebTestClient management;

    private GatewayInstance(ConfigurableApplicationContext context) {
        this.context = context;
        String port = context.getEnvironment().getRequiredProperty("local.server.port");
        this.client = TestClients.to(Integer.parseInt(port));
        String managementPort = context.getEnvironment().getRequiredProperty("local.management.port");
        this.management = TestClients.to(Integer.parseInt(managementPort));
    }

    /** Starts a gateway with the test routes on {@code redis}, with extra {@code name=value} properties. */
    public static GatewayInstance start(TestRedis redis, String... properties) {
        List<String> withRedis = new ArrayList<>(
                List.of("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port()));
        withRedis.addAll(List.of(properties));
        return startWith(withRedis.toArray(String[]::new));
    }

    /**
     * Starts a gateway with the test routes and the given {@code name=value} properties, which say where Redis is
     * (for Sentinel or Cluster).
     */
    public static GatewayInstance startWith(String... properties) {
        return startWithProfiles(List.of("test"), properties);
    }

    /**
     * Starts a gateway with these profiles (a later one's keys win: {@code test} then {@code demo} serves the demo
     * routes on the test settings) and properties.
     */
    public static GatewayInstance startWithProfiles(List<String> profiles, String... properties) {
        // A property given twice on the command line would read as both values joined: a given one replaces these.
        // Each holds "=value", or nothing for a flag.
        Map<String, String> values = new LinkedHashMap<>();
        values.put("server.port", "=0");
        values.put("test.upstream.url", "=" + RecordingUpstream.shared().url());
        values.put(
                "test.upstream.ws-url", "=" + RecordingUpstream.shared().url().replace("http:", "ws:"));
        values.put("test.misbehaving.url", "=" + MisbehavingUpstream.shared().url());
        values.put("test.kept-alive.url", "=" + KeepAliveUpstream.shared().url());
        values.put("test.unreachable.url", "=http://" + TestRedis.HOST + ":" + FreePort.find());
        for (String property : properties) {
            String[] nameAndValue = property.split("=", 2);
            values.put(nameAndValue[0], nameAndValue.length == 2 ? "=" + nameAndValue[1] : "");
        }
        List<String> args = new ArrayList<>();
        values.forEach((name, value) -> args.add("--" + name + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(
                        TokengateApplication.class, OwnReactorResources.class)
                .profiles(profiles.toArray(String[]::new))
                .run(args.toArray(String[]::new));
        return new GatewayInstance(context);
    }

    public WebTestClient client() {
        return client;
    }

    /** The actuator, on the management port. */
    public WebTestClient management() {
        return management;
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    public int managementPort() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    /**
     * Event loops of its own: by default every context shares Reactor Netty's global ones and disposes them when it
     * closes, which would take the servers of the test's own gateway down with this one.
     *
     * <p>Not a {@code @Configuration}: it lies in the package the application scans, and would then give every test
     * context, the dev run and {@link GatewayProcess} loops of their own as well, where production serves HTTP and
     * Redis on Reactor Netty's global loops. It is registered by name where it is wanted.
     */
    static class OwnReactorResources {

        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }
    }
}
