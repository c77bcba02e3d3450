package dev.tokengate.upstream;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Sends a route's requests with TLS from the SSL bundle its metadata names ({@code upstream-ssl-bundle}): a private
 * authority to trust, or a client certificate an upstream requires that the others must not get. Spring Cloud
 * Gateway's HTTP client has one TLS setting for every route ({@code httpclient.ssl}); this forwards such a route's
 * requests through a routing filter of Spring Cloud Gateway's own, on the same client and connection pool with the
 * bundle's TLS instead, one per bundle, and leaves the exchange routed, so the shared routing filter passes it by.
 * Routes without the key are not touched.
 *
 * <p>One is made for every bundle at startup: loading a bundle reads its files, which must not happen on an event
 * loop. A bundle is read once; a changed file takes a restart ({@code reload-on-update} applies to the client port).
 */
public final class RouteSslBundleFilter implements GlobalFilter, Ordered {

    /** The route metadata key naming the bundle. */
    public static final String METADATA_KEY = "upstream-ssl-bundle";

    /** Just before Spring Cloud Gateway's routing filter, inside the retry of unanswered requests. */
    static final int ORDER = NettyRoutingFilter.ORDER - 1;

    private final HttpClient httpClient;
    private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;
    private final HttpClientProperties properties;
    private final ServerProperties serverProperties;
    private final SslBundles bundles;
    private final Map<String, NettyRoutingFilter> byBundle;

    RouteSslBundleFilter(
            HttpClient httpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties,
            ServerProperties serverProperties,
            SslBundles bundles) {
        this.httpClient = httpClient;
        this.headersFilters = headersFilters;
        this.properties = properties;
        this.serverProperties = serverProperties;
        this.bundles = bundles;
        this.byBundle = bundles.getBundleNames().stream()
                .collect(Collectors.toUnmodifiableMap(Function.identity(), this::routingFilterFor));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        Object bundle = route == null ? null : route.getMetadata().get(METADATA_KEY);
        if (bundle == null || ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
            return chain.filter(exchange);
        }
        NettyRoutingFilter routing = byBundle.get(bundle.toString().trim());
        if (routing == null) {
            // the route check refuses such a route wherever it is configured or read
            return Mono.error(
                    new IllegalStateException("Route " + route.getId() + ": " + problem(route.getMetadata(), bundles)));
        }
        return routing.filter(exchange, chain);
    }

    /** Spring Cloud Gateway's routing filter on the shared client, with the bundle's TLS in place of the global one. */
    private NettyRoutingFilter routingFilterFor(String bundle) {
        HttpClientProperties.Ssl ssl = new HttpClientProperties.Ssl();
        HttpClientProperties.Ssl global = properties.getSsl();
        ssl.setSslBundle(bundle);
        ssl.setHandshakeTimeout(global.getHandshakeTimeout());
        ssl.setCloseNotifyFlushTimeout(global.getCloseNotifyFlushTimeout());
        ssl.setCloseNotifyReadTimeout(global.getCloseNotifyReadTimeout());
        HttpClient secured = new HttpClientSslConfigurer(ssl, serverProperties, bundles).configureSsl(httpClient);
        return new NettyRoutingFilter(secured, headersFilters, properties);
    }

    /** Why a route's bundle could not be used; null when it can, or when the route names none. */
    public static String problem(Map<String, Object> metadata, SslBundles bundles) {
        Object bundle = metadata.get(METADATA_KEY);
        if (bundle == null) {
            return null;
        }
        List<String> names = bundles.getBundleNames();
        return names.contains(bundle.toString().trim())
                ? null
                : "metadata " + METADATA_KEY + ": no SSL bundle named '" + bundle + "'; the bundles are " + names;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
