package dev.tokengate.support;

import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The admin credential of the tests that configure one, and a management client that presents it. */
public final class TestAdmin {

    public static final String TOKEN = "admin-secret";
    /** {@code printf %s admin-secret | sha256sum}; a constant, so that test classes can share one context. */
    public static final String TOKEN_SHA256 = "16175223c8ddce5ace0493c948569c211b03c4c6bb3d3e484434999448cffe01";

    public static final String PROPERTY = "tokengate.admin.token-sha256=" + TOKEN_SHA256;

    private TestAdmin() {}

    /** Without a credential, and with a wrong one, {@code path} answers 401 with the admin challenge. */
    public static void assertNeedsAdminCredential(WebTestClient management, String path) {
        management
                .get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"tokengate-admin\"");
        management
                .get()
                .uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-admin-token")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    /** {@code POST /admin/tokens} with {@code body}, expecting 201: the issued token's JSON answer. */
    public static Map<String, Object> issue(WebTestClient management, String body) {
        return created(management, "/admin/tokens", body);
    }

    /** {@code POST} of a JSON {@code body} to an admin {@code path}, expecting 201: the JSON answer. */
    public static Map<String, Object> created(WebTestClient management, String path, String body) {
        return createdBy(client(management), path, body);
    }

    /** {@link #created} by a client that presents an admin credential of its own. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> createdBy(WebTestClient admin, String path, String body) {
        return admin.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    /** {@code GET} of an admin {@code path} with the admin credential, expecting 200: the JSON answer. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(WebTestClient management, String path) {
        return client(management)
                .get()
                .uri(path)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    public static WebTestClient client(WebTestClient management) {
        return management
                .mutate()
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .build();
    }
}
