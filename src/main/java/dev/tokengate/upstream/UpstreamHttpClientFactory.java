package dev.tokengate.upstream;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Spring Cloud Gateway's HTTP client for upstreams, as its own factory builds it from {@code
 * spring.cloud.gateway.server.webflux.httpclient.*}, with three changes: connections are pooled per event loop
 * ({@link EventLoopConnectionProvider}) on the event loops the server runs on; an idle connection is closed after
 * {@code pool.max-idle-time} and counted ({@link IdleConnectionEviction}); and each request records whether any byte of
 * an answer came back ({@link UpstreamAttempt}).
 */
final class UpstreamHttpClientFactory extends HttpClientFactory {

    private final ReactorResourceFactory resources;
    private final UpstreamMetrics metrics;

    UpstreamHttpClientFactory(
            HttpClientProperties properties,
            ServerProperties serverProperties,
            HttpClientSslConfigurer sslConfigurer,
            List<HttpClientCustomizer> customizers,
            ReactorResourceFactory resources,
            UpstreamMetrics metrics) {
        super(properties, serverProperties, sslConfigurer, customizers);
        this.resources = resources;
        this.metrics = metrics;
    }

    @Override
    protected HttpClient createInstance() {
        // The server's loops: a connection can then be kept on the loop of the client connection it serves.
        return UpstreamAttempt.watch(super.createInstance().runOn(resources.getLoopResources()));
    }

    @Override
    protected ConnectionProvider buildConnectionProvider(HttpClientProperties properties) {
        ConnectionProvider configured = super.buildConnectionProvider(properties);
        Duration maxIdleTime = properties.getPool().getMaxIdleTime();
        ConnectionProvider.Builder builder = configured.mutate();
        if (maxIdleTime != null && builder != null) {
            configured.dispose();
            configured = builder.evictionPredicate(new IdleConnectionEviction(maxIdleTime, metrics))
                    .build();
        }
        return EventLoopConnectionProvider.perEventLoop(configured);
    }
}
