package dev.tokengate.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.boot.webflux.autoconfigure.WebFluxProperties;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.predicate.MethodRoutePredicateFactory;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The route index must never change which route a request gets: for any routes, in any order, and any spelling of a
 * path (percent-encoded, with {@code ;} parameters, empty or dot segments, other case), the first route matched among
 * the index's candidates is the first route matched by testing every route in turn, Spring Cloud Gateway's way.
 */
class RouteIndexProperties {

    private static final PathRoutePredicateFactory PATH = new PathRoutePredicateFactory(new WebFluxProperties());
    private static final MethodRoutePredicateFactory METHOD = new MethodRoutePredicateFactory();

    @Property(tries = 3000)
    void routesExactlyAsTestingEveryRoute(
            @ForAll("routes") List<Route> routes, @ForAll("paths") String path, @ForAll("methods") HttpMethod method) {
        RouteIndex index = RouteIndex.of(routes);

        List<Route> candidates =
                index.candidates(PathContainer.parsePath(uri(path).getRawPath()));

        assertThat(candidates).isSubsetOf(routes);
        assertThat(firstMatch(candidates, method, path)).isEqualTo(firstMatch(routes, method, path));
    }

    @Example
    void literalRoutesAreCandidatesOnlyForTheirFirstSegment() {
        Route orders = route("orders", path("/orders/**"));
        Route tenant = route("tenant", path("/{tenant}/reports/**"));
        Route users = route("users", path("/users/{id}", "/people/{id}"));
        Route ordersOrGet = route("orders-or-get", path("/orders/**").or(method(HttpMethod.GET)));
        Route notAdmin = route("not-admin", path("/admin/**").negate());
        RouteIndex index = RouteIndex.of(List.of(orders, tenant, users, ordersOrGet, notAdmin));

        assertThat(index.candidates(PathContainer.parsePath("/orders/1")))
                .containsExactly(orders, tenant, ordersOrGet, notAdmin);
        assertThat(index.candidates(PathContainer.parsePath("/%6Frders;v=1/1")))
                .containsExactly(orders, tenant, ordersOrGet, notAdmin);
        assertThat(index.candidates(PathContainer.parsePath("/people/7")))
                .containsExactly(tenant, users, ordersOrGet, notAdmin);
        assertThat(index.candidates(PathContainer.parsePath("/billing")))
                .containsExactly(tenant, ordersOrGet, notAdmin);
        assertThat(index.literalSegments()).isEqualTo(3);
    }

    /**
     * No API shows whether a route's predicate is an {@code or} or a negation (Spring Cloud Gateway's {@code Visitor}
     * sees only the leaves), so {@link RouteIndex#literalFirstSegments} reads the text the predicates print. Should a
     * new version print them otherwise, this fails first, with a message saying where to look.
     */
    @Example
    void springCloudGatewayStillPrintsOrAndNegationTheWayTheIndexReadsThem() {
        String fix = "Spring Cloud Gateway changed how %s predicates print: RouteIndex.literalFirstSegments reads %s";

        assertThat(String.valueOf(path("/a/**").or(method(HttpMethod.GET))))
                .as(fix, "or-ed", "'||'")
                .contains("||");
        assertThat(String.valueOf(path("/a/**").negate()))
                .as(fix, "negated", "'!'")
                .contains("!");
        assertThat(String.valueOf(path("/a/**").and(method(HttpMethod.GET))))
                .as(fix, "and-ed", "neither '||' nor '!'")
                .doesNotContain("||")
                .doesNotContain("!");
    }

    @Provide
    Arbitrary<List<Route>> routes() {
        Arbitrary<String> pattern = Arbitraries.of(
                "/a/**", "/a", "/b/**", "/ab/{x}", "/A/**", "/a*/**", "/**", "/{t}/b/**", "/a/b", "/%61/**", "/b/a/**");
        Arbitrary<AsyncPredicate<ServerWebExchange>> pathPredicate =
                pattern.list().ofMinSize(1).ofMaxSize(2).map(patterns -> path(patterns.toArray(String[]::new)));
        Arbitrary<AsyncPredicate<ServerWebExchange>> predicate = Combinators.combine(
                        pathPredicate, Arbitraries.of("plain", "and-get", "or-post", "negated", "method-only"))
                .as((path, combination) -> switch (combination) {
                    case "and-get" -> path.and(method(HttpMethod.GET));
                    case "or-post" -> path.or(method(HttpMethod.POST));
                    case "negated" -> path.negate();
                    case "method-only" -> method(HttpMethod.POST);
                    default -> path;
                });
        return predicate.list().ofMinSize(1).ofMaxSize(8).map(predicates -> {
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < predicates.size(); i++) {
                routes.add(route("r" + i, predicates.get(i)));
            }
            return routes;
        });
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment =
                Arbitraries.of("a", "b", "ab", "A", "%61", "%41", "a;p=1", ";p", "", "..", ".", "%2F");
        return Combinators.combine(segment.list().ofMinSize(0).ofMaxSize(3), Arbitraries.of("", "/"))
                .as((segments, trailing) -> "/" + String.join("/", segments) + (segments.isEmpty() ? "" : trailing));
    }

    @Provide
    Arbitrary<HttpMethod> methods() {
        return Arbitraries.of(HttpMethod.GET, HttpMethod.POST);
    }

    private static String firstMatch(List<Route> routes, HttpMethod method, String path) {
        for (Route route : routes) {
            ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, uri(path)));
            if (Boolean.TRUE.equals(
                    Mono.from(route.getPredicate().apply(exchange)).block())) {
                return route.getId();
            }
        }
        return null;
    }

    /** As a request line's target reaches the router. */
    private static URI uri(String path) {
        return URI.create("http://gateway" + path);
    }

    private static Route route(String id, AsyncPredicate<ServerWebExchange> predicate) {
        return Route.async()
                .id(id)
                .uri("http://upstream")
                .asyncPredicate(predicate)
                .build();
    }

    private static AsyncPredicate<ServerWebExchange> path(String... patterns) {
        return PATH.applyAsync(new PathRoutePredicateFactory.Config().setPatterns(List.of(patterns)));
    }

    private static AsyncPredicate<ServerWebExchange> method(HttpMethod method) {
        MethodRoutePredicateFactory.Config config = new MethodRoutePredicateFactory.Config();
        config.setMethods(method);
        return METHOD.applyAsync(config);
    }
}
