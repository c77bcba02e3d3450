package dev.tokengate.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Sends a route's requests with HTTP client settings of its own, named in its metadata: TLS from another SSL bundle
 * ({@code upstream-ssl-bundle}: a private authority to trust, or a client certificate an upstream requires that the
 * others must not get), and HTTP/2 ({@code upstream-protocol: h2} over TLS, chosen by ALPN, or {@code h2c} in
 * cleartext with prior knowledge). Spring Cloud Gateway's HTTP client has one setting of each for every route; this
 * forwards such a route's requests through a routing filter of Spring Cloud Gateway's own, on the same client and
 * connections with those settings changed, and leaves the exchange routed, so the shared routing filter passes it by.
 * Routes without either key are not touched.
 *
 * <p>Every combination is made at startup: loading a bundle reads its files, which must not happen on an event loop.
 * A bundle is read once; a changed file takes a restart ({@code reload-on-update} applies to the client port).
 */
public final class RouteHttpClientFilter implements GlobalFilter, Ordered {

    /** The route metadata key naming the SSL bundle. */
    public static final String BUNDLE_KEY = "upstream-ssl-bundle";

    /** The route metadata key naming the protocol. */
    public static final String PROTOCOL_KEY = "upstream-protocol";

    /** Just before Spring Cloud Gateway's routing filter, inside the retry of unanswered requests. */
    static final int ORDER = NettyRoutingFilter.ORDER - 1;

    /** The values of {@link #PROTOCOL_KEY}, and what Reactor Netty calls them. */
    private static final Map<String, HttpProtocol> PROTOCOLS =
            Map.of("http/1.1", HttpProtocol.HTTP11, "h2", HttpProtocol.H2, "h2c", HttpProtocol.H2C);

    /** The global settings' entry in {@link #variants}: no bundle named. */
    private static final String GLOBAL = "";

    private final HttpClient httpClient;
    private final ObjectProvider<List<HttpHeadersFilter>> headersFilters;
    private final HttpClientProperties properties;
    private final ServerProperties serverProperties;
    private final SslBundles bundles;
    private final Map<Variant, NettyRoutingFilter> variants = new HashMap<>();

    RouteHttpClientFilter(
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
        List<String> names = new ArrayList<>(bundles.getBundleNames());
        names.add(GLOBAL);
        for (String bundle : names) {
            for (String protocol : PROTOCOLS.keySet()) {
                variants.put(new Variant(bundle, protocol), routingFilterFor(bundle, PROTOCOLS.get(protocol)));
            }
        }
        // A bundle with the configured protocol; the global settings with it are the shared routing filter's own.
        for (String bundle : bundles.getBundleNames()) {
            variants.put(new Variant(bundle, null), routingFilterFor(bundle, null));
        }
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route == null || ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
            return chain.filter(exchange);
        }
        String bundle = bundleOf(route.getMetadata());
        String protocol = protocolOf(route.getMetadata());
        if (bundle == null && protocol == null) {
            return chain.filter(exchange);
        }
        NettyRoutingFilter routing = variants.get(new Variant(bundle == null ? GLOBAL : bundle, protocol));
        if (routing == null) {
            // the route check refuses such a route wherever it is configured or read
            return Mono.error(new IllegalStateException(
                    "Route " + route.getId() + ": " + String.join("; ", problems(route.getMetadata(), bundles))));
        }
        return routing.filter(exchange, chain);
    }

    /**
     * Spring Cloud Gateway's routing filter on the shared client, with the bundle's TLS in place of the global one and
     * the protocol in place of the global choice ({@code null}: each as configured).
     */
    private NettyRoutingFilter routingFilterFor(String bundle, HttpProtocol protocol) {
        HttpClientProperties.Ssl global = properties.getSsl();
        HttpClientProperties.Ssl ssl = global;
        if (!bundle.equals(GLOBAL)) {
            ssl = new HttpClientProperties.Ssl();
            ssl.setSslBundle(bundle);
            ssl.setHandshakeTimeout(global.getHandshakeTimeout());
            ssl.setCloseNotifyFlushTimeout(global.getCloseNotifyFlushTimeout());
            ssl.setCloseNotifyReadTimeout(global.getCloseNotifyReadTimeout());
        }
        HttpClient client = httpClient;
        ServerProperties offering = serverProperties;
        if (protocol != null) {
            client = client.protocol(protocol);
            // Spring Cloud Gateway's TLS offers h2 by ALPN only where the client port serves HTTP/2
            offering = new ServerProperties();
            offering.getHttp2().setEnabled(protocol == HttpProtocol.H2);
        }
        HttpClient configured = new HttpClientSslConfigurer(ssl, offering, bundles).configureSsl(client);
        return new NettyRoutingFilter(configured, headersFilters, properties);
    }

    /** What is wrong with a route's client settings; empty when nothing is, or when it names none. */
    public static List<String> problems(Map<String, Object> metadata, SslBundles bundles) {
        List<String> problems = new ArrayList<>();
        String bundle = bundleOf(metadata);
        if (bundle != null && !bundles.getBundleNames().contains(bundle)) {
            problems.add("metadata " + BUNDLE_KEY + ": no SSL bundle named '" + metadata.get(BUNDLE_KEY)
                    + "'; the bundles are " + bundles.getBundleNames());
        }
        String protocol = protocolOf(metadata);
        if (protocol != null && !PROTOCOLS.containsKey(protocol)) {
            problems.add("metadata " + PROTOCOL_KEY + ": '" + metadata.get(PROTOCOL_KEY)
                    + "' is none of 'http/1.1', 'h2', 'h2c'");
        }
        return problems;
    }

    // The check and the routing read a route's values the same way, so that a route the check passes is routed.
    private static String bundleOf(Map<String, Object> metadata) {
        Object bundle = metadata.get(BUNDLE_KEY);
        return bundle == null ? null : bundle.toString().trim();
    }

    private static String protocolOf(Map<String, Object> metadata) {
        Object protocol = metadata.get(PROTOCOL_KEY);
        return protocol == null ? null : protocol.toString().trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private record Variant(String bundle, String protocol) {}
}
