package dev.tokengate.forwardauth;

import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The request a proxy asks about, as each protocol carries it:
 *
 * <ul>
 *   <li>Envoy {@code ext_authz} (HTTP service, path-prefix mode): the original method, the original path and query
 *       appended to the endpoint's path, the original {@code Host}.
 *   <li>nginx {@code auth_request}: {@code X-Original-URI}, {@code X-Original-Method} and {@code X-Original-Host},
 *       which the nginx configuration sets (deploy/examples/nginx). nginx's own documented configuration sets only
 *       {@code X-Original-URI}: the method and host are then unknown, and the policies decide without them if they
 *       can ({@link AuthzPolicies#match}).
 *   <li>Traefik ForwardAuth: {@code X-Forwarded-Method}, {@code X-Forwarded-Uri} and {@code X-Forwarded-Host}.
 * </ul>
 *
 * @param method the original method, upper case; null when nginx's configuration does not send it
 * @param host the original host, lower case, without port; null when nginx's configuration does not send it
 * @param uri the original request target: path and query, as sent (not decoded)
 */
record OriginalRequest(String method, String host, String uri) {

    static final String NGINX_METHOD = "X-Original-Method";
    static final String NGINX_URI = "X-Original-URI";
    static final String NGINX_HOST = "X-Original-Host";
    static final String TRAEFIK_METHOD = "X-Forwarded-Method";
    static final String TRAEFIK_URI = "X-Forwarded-Uri";
    static final String TRAEFIK_HOST = "X-Forwarded-Host";

    /**
     * A proxy passes the client's own headers on to the endpoint, so a client could add another protocol's headers
     * naming a request it may make: asked about two requests at once, the endpoint answers neither.
     */
    static final String AMBIGUOUS = "The authorization request names the original request in more than one way ("
            + NGINX_URI + ", " + TRAEFIK_URI + ", a path after the endpoint's).";

    /** Why an authorization request does not say which request it is about. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The original request of an authorization request to {@code endpointPath} (whose path is the endpoint's, or
     * starts with it and a {@code /}).
     */
    static OriginalRequest of(ServerHttpRequest request, String endpointPath) throws Unreadable {
        HttpHeaders headers = request.getHeaders();
        String rawPath = request.getURI().getRawPath();
        boolean envoy = rawPath.length() > endpointPath.length();
        boolean nginx = headers.containsHeader(NGINX_URI);
        boolean traefik = headers.containsHeader(TRAEFIK_URI);
        if ((envoy ? 1 : 0) + (nginx ? 1 : 0) + (traefik ? 1 : 0) > 1) {
            throw new Unreadable(AMBIGUOUS);
        }
        if (envoy) {
            String query = request.getURI().getRawQuery();
            String uri = rawPath.substring(endpointPath.length()) + (query != null ? "?" + query : "");
            return new OriginalRequest(request.getMethod().name(), host(one(headers, HttpHeaders.HOST)), uri);
        }
        if (nginx) {
            String method = oneIfSent(headers, NGINX_METHOD);
            String host = oneIfSent(headers, NGINX_HOST);
            return new OriginalRequest(
                    method == null ? null : method(method), host == null ? null : host(host), one(headers, NGINX_URI));
        }
        if (traefik) {
            return new OriginalRequest(
                    method(one(headers, TRAEFIK_METHOD)), host(one(headers, TRAEFIK_HOST)), one(headers, TRAEFIK_URI));
        }
        throw new Unreadable("The authorization request does not name the original request: send " + NGINX_URI
                + " (nginx), " + TRAEFIK_URI + " (Traefik), or the original path after the endpoint's (Envoy).");
    }

    /** Exactly one value: two could be read differently by the proxy and by this check. */
    private static String one(HttpHeaders headers, String name) throws Unreadable {
        List<String> values = headers.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            throw new Unreadable("The authorization request lacks " + name + ".");
        }
        if (values.size() > 1) {
            throw new Unreadable("The authorization request has more than one " + name + ".");
        }
        return values.get(0).trim();
    }

    /** Exactly one value, or null when the header is not sent at all (or blank). */
    private static String oneIfSent(HttpHeaders headers, String name) throws Unreadable {
        List<String> values = headers.get(name);
        return values == null || (values.size() == 1 && values.get(0).isBlank()) ? null : one(headers, name);
    }

    private static String method(String value) {
        return value.toUpperCase(Locale.ROOT);
    }

    /** The host without port, lower case; an IPv6 literal keeps its brackets. */
    private static String host(String value) throws Unreadable {
        if (value.indexOf(',') >= 0) {
            throw new Unreadable("The authorization request names more than one original host.");
        }
        String host = value.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
