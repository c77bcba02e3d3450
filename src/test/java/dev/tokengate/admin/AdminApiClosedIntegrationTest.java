package dev.tokengate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Without tokengate.admin.token-sha256 the admin API does not exist, as far as anyone can tell. */
class AdminApiClosedIntegrationTest extends GatewayIntegrationTest {

    @Autowired
    PathMappedEndpoints endpoints;

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
    void onlyHealthAndPrometheusAreThere() {
        management.get().uri("/actuator/health").exchange().expectStatus().isOk();
        management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        for (String path : List.of("/actuator", "/actuator/gateway", "/actuator/env", "/anything")) {
            management
                    .get()
                    .uri(path)
                    .header(HttpHeaders.AUTHORIZATION, "Bearer anything")
                    .exchange()
                    .expectStatus()
                    .isNotFound();
        }
    }

    /** Not only refused: Spring Cloud Gateway's endpoint is not mapped at all without an admin credential. */
    @Test
    void gatewayEndpointIsNotMapped() {
        assertThat(endpoints.getEndpoint(EndpointId.of("gateway"))).isNull();
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
