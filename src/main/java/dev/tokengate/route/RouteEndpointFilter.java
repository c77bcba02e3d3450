package dev.tokengate.route;

import dev.tokengate.problem.ProblemResponseWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.RequestPath;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Two answers of Spring Cloud Gateway's route endpoint made true. {@code POST .../gateway/refresh} answers 200 before
 * anything is read, and keeps answering 200 when the routes it reads do not load: here the stored routes are checked
 * first, and a refresh that would fail is refused (409 when a stored route would not load, 503 when Redis cannot be
 * read) with the routes in service unchanged. {@code POST .../gateway/routes/{id}} points its {@code Location} at
 * {@code /routes/{id}}, a path that does not exist: here it points at the route under the endpoint. Matched with the
 * path patterns of the router, so every spelling the endpoint answers is one this filter sees.
 */
class RouteEndpointFilter implements WebFilter, Ordered {

    /** After Spring Security's filter chain (order -100): only admins get this far. */
    static final int ORDER = 0;

    private final RedisRouteDefinitions runtimeRoutes;
    private final ProblemResponseWriter problems;
    private final String routesPath;
    private final PathPattern refresh;
    private final PathPattern route;

    RouteEndpointFilter(RedisRouteDefinitions runtimeRoutes, ProblemResponseWriter problems, String endpointsBasePath) {
        this.runtimeRoutes = runtimeRoutes;
        this.problems = problems;
        this.routesPath = endpointsBasePath + "/gateway/routes/";
        this.refresh = PathPatternParser.defaultInstance.parse(endpointsBasePath + "/gateway/refresh");
        this.route = PathPatternParser.defaultInstance.parse(routesPath + "{id}");
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        RequestPath path = exchange.getRequest().getPath();
        if (refresh.matches(path.pathWithinApplication())) {
            return refreshIfEveryRouteLoads(exchange, chain);
        }
        PathPattern.PathMatchInfo saved = route.matchAndExtract(path.pathWithinApplication());
        if (saved != null) {
            String location = path.contextPath().value()
                    + routesPath
                    + UriUtils.encodePathSegment(saved.getUriVariables().get("id"), StandardCharsets.UTF_8);
            exchange.getResponse().beforeCommit(() -> {
                if (HttpStatus.CREATED.equals(exchange.getResponse().getStatusCode())) {
                    exchange.getResponse().getHeaders().setLocation(URI.create(location));
                }
                return Mono.empty();
            });
        }
        return chain.filter(exchange);
    }

    private Mono<Void> refreshIfEveryRouteLoads(ServerWebExchange exchange, WebFilterChain chain) {
        return runtimeRoutes
                .problems()
                .map(found -> found.isEmpty() ? Optional.<Refusal>empty() : Optional.of(Refusal.notLoadable(found)))
                .onErrorResume(error -> Mono.just(Optional.of(Refusal.unreadable(error))))
                .flatMap(refusal -> refusal.isPresent()
                        ? problems.write(
                                exchange,
                                refusal.get().status(),
                                refusal.get().detail(),
                                refusal.get().extensions())
                        : chain.filter(exchange));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private record Refusal(HttpStatus status, String detail, Map<String, Object> extensions) {

        static final String UNCHANGED = "Routes not refreshed; the routes in service are unchanged.";

        static Refusal notLoadable(List<String> routes) {
            return new Refusal(
                    HttpStatus.CONFLICT,
                    "Stored routes would not load: " + String.join(" | ", routes) + ". " + UNCHANGED
                            + " Fix or delete them, then refresh again.",
                    Map.of("routes", routes));
        }

        static Refusal unreadable(Throwable error) {
            return new Refusal(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Runtime routes could not be read from Redis ("
                            + NestedExceptionUtils.getMostSpecificCause(error).getMessage() + "). " + UNCHANGED,
                    Map.of());
        }
    }
}
