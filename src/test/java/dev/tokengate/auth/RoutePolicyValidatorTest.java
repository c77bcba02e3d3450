package dev.tokengate.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.gateway.route.Route;

@ExtendWith(OutputCaptureExtension.class)
class RoutePolicyValidatorTest {

    private final RoutePolicyValidator validator = new RoutePolicyValidator();

    @Test
    void unknownAuthValueIsReportedWithTheRouteId(CapturedOutput output) {
        validator.validate(route("billing", Map.of("auth", "off")));

        assertThat(output).contains("Route billing has metadata auth: 'off'").contains("the route requires a token");
    }

    @Test
    void knownValuesAreNotReported(CapturedOutput output) {
        validator.validate(route("public", Map.of("auth", "none")));
        validator.validate(route("private", Map.of("auth", "required")));
        validator.validate(route("plain", Map.of()));

        assertThat(output)
                .doesNotContain("Route public")
                .doesNotContain("Route private")
                .doesNotContain("Route plain");
    }

    private static Route route(String id, Map<String, Object> metadata) {
        return Route.async()
                .id(id)
                .uri("http://127.0.0.1:1")
                .predicate(exchange -> true)
                .metadata(metadata)
                .build();
    }
}
