package dev.tokengate.assertion;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The JWK Set on the management port, open to anyone who can reach it: it holds public keys only. */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class AssertionManagementConfiguration {

    @Bean
    RouterFunction<ServerResponse> jwksRoute(JwksDocument document) {
        return RouterFunctions.route(
                GET(JwksDocument.PATH),
                request -> ServerResponse.ok()
                        .contentType(JwksDocument.MEDIA_TYPE)
                        .header("Cache-Control", document.cacheControl())
                        .bodyValue(document.body()));
    }
}
