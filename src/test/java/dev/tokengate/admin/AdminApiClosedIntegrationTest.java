package dev.tokengate.admin;

import dev.tokengate.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Without tokengate.admin.token-sha256 the admin API does not exist, as far as anyone can tell. */
class AdminApiClosedIntegrationTest extends GatewayIntegrationTest {

    @Test
    void everyAdminPathAnswers404() {
        management
                .post()
                .uri("/admin/tokens")
                .header(HttpHeaders.AUTHORIZATION, "Bearer anything")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"user\":\"eve\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
        management
                .get()
                .uri("/admin/users/eve/tokens")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void gatewayActuatorEndpointAnswers404() {
        management
                .get()
                .uri("/actuator/gateway/routes")
                .header(HttpHeaders.AUTHORIZATION, "Bearer anything")
                .exchange()
                .expectStatus()
                .isNotFound();
    }
}
