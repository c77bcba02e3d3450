package dev.tokengate.forwardauth;

import dev.tokengate.support.RawHttpClient;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Authorization requests exactly as each proxy sends them for an original request, with the header names of its
 * documentation and of the configurations in deploy/examples.
 */
enum AuthzProtocol {

    /**
     * nginx {@code auth_request} (https://nginx.org/en/docs/http/ngx_http_auth_request_module.html): a GET subrequest
     * to the endpoint with the original headers; the original request in the headers the configuration sets with
     * {@code proxy_set_header}, the client address in {@code X-Forwarded-For}.
     */
    NGINX {
        @Override
        Request request(String method, String host, String uri) {
            return new Request(
                    "GET",
                    PATH,
                    List.of(
                            "X-Original-Method: " + method,
                            "X-Original-URI: " + uri,
                            "X-Original-Host: " + host,
                            "X-Forwarded-For: " + CLIENT));
        }
    },

    /**
     * Traefik ForwardAuth (https://doc.traefik.io/traefik/middlewares/http/forwardauth/): a GET to the address with
     * the original headers and {@code X-Forwarded-Method}, {@code -Proto}, {@code -Host}, {@code -Uri}, {@code -For}.
     */
    TRAEFIK {
        @Override
        Request request(String method, String host, String uri) {
            return new Request(
                    "GET",
                    PATH,
                    List.of(
                            "X-Forwarded-Method: " + method,
                            "X-Forwarded-Proto: https",
                            "X-Forwarded-Host: " + host,
                            "X-Forwarded-Uri: " + uri,
                            "X-Forwarded-For: " + CLIENT));
        }
    },

    /**
     * Envoy {@code ext_authz} HTTP service
     * (https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/http/ext_authz/v3/ext_authz.proto): the
     * original method, the original path appended to {@code path_prefix}, the original {@code Host}, an empty body
     * (Content-Length 0), and the headers in {@code allowed_headers}.
     */
    ENVOY {
        @Override
        Request request(String method, String host, String uri) {
            return new Request(
                    method, PATH + uri, List.of("Host: " + host, "Content-Length: 0", "X-Forwarded-For: " + CLIENT));
        }
    };

    static final String PATH = "/_tokengate/authz";

    /** The address of the client that sent the original request, as the proxy reports it. */
    static final String CLIENT = "203.0.113.7";

    abstract Request request(String method, String host, String uri);

    /** The authorization request, with {@code Authorization} when {@code authorization} is not null. */
    WebTestClient.ResponseSpec ask(WebTestClient client, String method, String host, String uri, String authorization) {
        Request request = request(method, host, uri);
        return client.method(HttpMethod.valueOf(request.method()))
                .uri(request.target())
                .headers(headers -> {
                    request.headerLines().forEach(line -> {
                        int colon = line.indexOf(':');
                        headers.set(
                                line.substring(0, colon),
                                line.substring(colon + 1).trim());
                    });
                    if (authorization != null) {
                        headers.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                })
                .exchange();
    }

    /** The same request sent byte for byte over a socket, for spellings a well-behaved client would not send. */
    RawHttpClient.Response askRaw(RawHttpClient client, String method, String uri, String... extraHeaderLines) {
        Request request = request(method, "api.example.org", uri);
        List<String> lines = new ArrayList<>(request.headerLines().stream()
                .filter(line -> !line.startsWith("Host:"))
                .toList());
        lines.addAll(List.of(extraHeaderLines));
        return client.request(request.method(), request.target(), lines, null);
    }

    record Request(String method, String target, List<String> headerLines) {}
}
