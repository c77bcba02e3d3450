package dev.tokengate.support;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The request most tests send: a GET with {@code Authorization: Bearer <token>}. */
public final class BearerRequests {

    private BearerRequests() {}

    public static WebTestClient.ResponseSpec get(WebTestClient client, String path, String token) {
        return client.get()
                .uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }
}
