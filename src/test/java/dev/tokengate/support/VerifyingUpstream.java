package dev.tokengate.support;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A service behind the gateway that trusts no header: a Spring Security resource server that takes a request only
 * with an assertion in {@code X-Tokengate-Assertion} whose signature verifies with the gateway's published keys and
 * whose issuer, audience and expiry hold, and answers {@code sub=<user>}. The decoder and its validators are those
 * Spring Boot's resource-server starter makes from {@code jwk-set-uri}, {@code issuer-uri} and {@code audiences}.
 */
public final class VerifyingUpstream implements AutoCloseable {

    public static final String HEADER = "X-Tokengate-Assertion";

    private final AtomicReference<ReactiveJwtDecoder> decoder;
    private final AnnotationConfigApplicationContext context;
    private final DisposableServer server;

    private VerifyingUpstream(
            AtomicReference<ReactiveJwtDecoder> decoder,
            AnnotationConfigApplicationContext context,
            DisposableServer server) {
        this.decoder = decoder;
        this.context = context;
        this.server = server;
    }

    public static VerifyingUpstream start() {
        AtomicReference<ReactiveJwtDecoder> decoder = new AtomicReference<>();
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(Trusted.class, () -> new Trusted(decoder));
        context.register(Service.class);
        context.refresh();
        HttpHandler handler = WebHttpHandlerBuilder.applicationContext(context).build();
        DisposableServer server = HttpServer.create()
                .host(TestRedis.HOST)
                .port(0)
                .handle(new ReactorHttpHandlerAdapter(handler))
                .bindNow();
        return new VerifyingUpstream(decoder, context, server);
    }

    /** Verifies with the keys published at {@code jwkSetUri}, for {@code issuer} and {@code audience}. */
    public void trust(String jwkSetUri, String issuer, String audience) {
        NimbusReactiveJwtDecoder nimbus = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri)
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(issuer), new JwtAudienceValidator(audience)));
        decoder.set(nimbus);
    }

    public String url() {
        return "http://" + TestRedis.HOST + ":" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow();
        context.close();
    }

    /** The decoder the test sets once it knows where the gateway publishes its keys. */
    record Trusted(AtomicReference<ReactiveJwtDecoder> decoder) {}

    /** Not a {@code @Configuration}: the gateways the tests start scan this package for those. */
    @EnableWebFlux
    @EnableWebFluxSecurity
    static class Service {

        @Bean
        SecurityWebFilterChain assertionsOnly(ServerHttpSecurity http, Trusted trusted) {
            return http.authorizeExchange(exchanges -> exchanges.anyExchange().authenticated())
                    .oauth2ResourceServer(server -> server.bearerTokenConverter(exchange -> Mono.justOrEmpty(
                                            exchange.getRequest().getHeaders().getFirst(HEADER))
                                    .map(BearerTokenAuthenticationToken::new))
                            .jwt(jwt -> jwt.jwtDecoder(
                                    token -> trusted.decoder().get().decode(token))))
                    .build();
        }

        @Bean
        RouterFunction<ServerResponse> whoIsAsking() {
            return RouterFunctions.route(
                    GET("/**"),
                    request -> request.principal()
                            .flatMap(principal -> ServerResponse.ok().bodyValue("sub=" + principal.getName())));
        }
    }
}
