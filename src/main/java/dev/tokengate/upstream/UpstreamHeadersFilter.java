package dev.tokengate.upstream;

import dev.tokengate.access.AccessLogFilter;
import dev.tokengate.assertion.IdentityAssertions;
import dev.tokengate.auth.AuthProperties;
import dev.tokengate.clientaddress.ClientAddress;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.http.HttpTokens;
import dev.tokengate.token.TokenRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the headers the gateway owns onto every request it forwards, after everything a client can influence: the
 * identity headers and the signed assertion (only for a checked token, the assertion where its route carries one),
 * {@code X-Request-Id}, {@code X-Real-IP} and {@code X-Forwarded-For};
 * and withholds the client's {@code Authorization} after a token check, unless {@code forward-credentials} is on.
 * Whatever the client sent under those names, in any case or with {@code _} for {@code -} (which CGI, WSGI and Rack
 * servers read as the same variable), is removed first, so each reaches the upstream once, exactly as the gateway
 * set it. So are {@code _} spellings of {@code X-Forwarded-*} and {@code X-Real-IP*}, which Spring
 * Cloud Gateway's own forwarding filters, matching only the hyphenated names, let through: a backend would read
 * {@code X_Forwarded_Host} as the host its links point to. And so are Netty's HTTP/2 conversion headers ({@code
 * x-http2-scheme}, {@code x-http2-stream-id}, ...), which it adds to every request that came as an HTTP/2 stream.
 *
 * <p>It runs as the last of Spring Cloud Gateway's request header filters (HTTP and WebSocket alike), after {@code
 * RemoveHopByHopHeadersFilter}: a client may nominate headers in {@code Connection} (RFC 9110 section 7.6.1) only to
 * remove headers it sent itself, never the gateway's.
 */
public final class UpstreamHeadersFilter implements HttpHeadersFilter, Ordered {

    /** After {@code RemoveHopByHopHeadersFilter}, whose order is {@code LOWEST_PRECEDENCE - 1}. */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE;

    public static final String REAL_IP = "X-Real-IP";
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    /** What every name of Netty's HTTP/2 conversion headers begins with. */
    static final String HTTP2_CONVERSION_PREFIX = "x-http2-";

    private final String userHeader;
    private final String scopesHeader;
    private final String assertionHeader;
    private final List<String> owned;
    private final ClientAddresses clientAddresses;
    private final IdentityAssertions assertions;

    public UpstreamHeadersFilter(
            AuthProperties auth,
            String assertionHeader,
            ClientAddresses clientAddresses,
            IdentityAssertions assertions) {
        this.userHeader = auth.userHeader();
        this.scopesHeader = auth.scopesHeader();
        this.assertionHeader = assertionHeader;
        this.owned = List.of(
                userHeader, scopesHeader, assertionHeader, AccessLogFilter.REQUEST_ID_HEADER, REAL_IP, FORWARDED_FOR);
        this.clientAddresses = clientAddresses;
        this.assertions = assertions;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders upstream = new HttpHeaders();
        for (Map.Entry<String, List<String>> header : input.headerSet()) {
            if (!isOwned(header.getKey())) {
                upstream.addAll(header.getKey(), header.getValue());
            }
        }
        List<String> withheld = exchange.getAttribute(ExchangeAttributes.WITHHELD_CREDENTIALS);
        if (withheld != null) {
            withhold(upstream, withheld);
        }
        String requestId = exchange.getAttribute(ExchangeAttributes.REQUEST_ID);
        if (requestId != null) {
            upstream.set(AccessLogFilter.REQUEST_ID_HEADER, requestId);
        }
        TokenRecord token = exchange.getAttribute(ExchangeAttributes.AUTHENTICATED);
        if (token != null) {
            upstream.set(userHeader, token.user());
            if (!token.scopes().isEmpty()) {
                upstream.set(scopesHeader, token.scopes());
            }
            String assertion = assertions.assertionFor(exchange, token);
            if (assertion != null) {
                upstream.set(assertionHeader, assertion);
            }
        }
        ClientAddress client = clientAddresses.of(exchange);
        upstream.set(REAL_IP, client.address());
        upstream.set(FORWARDED_FOR, client.forwardedFor());
        return upstream;
    }

    /**
     * Removes the client's {@code Authorization} values, once each, and keeps any a route filter added or set (a
     * credential for the upstream, say).
     */
    private static void withhold(HttpHeaders upstream, List<String> clientCredentials) {
        List<String> credentials = upstream.get(HttpHeaders.AUTHORIZATION);
        if (credentials == null) {
            return;
        }
        List<String> kept = new ArrayList<>(credentials);
        clientCredentials.forEach(kept::remove);
        if (kept.isEmpty()) {
            upstream.remove(HttpHeaders.AUTHORIZATION);
        } else {
            upstream.put(HttpHeaders.AUTHORIZATION, kept);
        }
    }

    private boolean isOwned(String name) {
        for (String header : owned) {
            if (HttpTokens.sameHeaderForABackend(name, header)) {
                return true;
            }
        }
        return isForwardingLookAlike(name) || isHttp2Conversion(name);
    }

    /**
     * Netty's names for what an HTTP/2 stream carries outside its headers ({@code HttpConversionUtil
     * .ExtensionHeaderNames}: the stream id, the scheme, ...), which it adds when it turns a stream into a request for
     * the server; from a client, over any protocol, they are forgeries. Neither kind reaches an upstream, in any
     * spelling.
     */
    static boolean isHttp2Conversion(String name) {
        return HttpTokens.startsForABackendWith(name, HTTP2_CONVERSION_PREFIX);
    }

    /**
     * The hyphenated names are Spring Cloud Gateway's to remove or write ({@code RemoveXForwardedHeadersFilter} and
     * {@code RemoveForwardedHeadersFilter} by default, its own values with its {@code trusted-proxies} set).
     */
    private static boolean isForwardingLookAlike(String name) {
        if (name.indexOf('_') < 0) {
            return false;
        }
        String folded = HttpTokens.foldedForABackend(name);
        return folded.startsWith("x-forwarded-") || folded.startsWith("x-real-ip");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
