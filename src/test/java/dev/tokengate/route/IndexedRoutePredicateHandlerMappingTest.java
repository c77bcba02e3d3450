package dev.tokengate.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webflux.autoconfigure.WebFluxProperties;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The router hands Spring Cloud Gateway's own lookup the index's candidates: a route that cannot match the path is
 * never tested, and the route found is the one the framework's lookup over every route finds.
 */
class IndexedRoutePredicateHandlerMappingTest {

    private static final PathRoutePredicateFactory PATH = new PathRoutePredicateFactory(new WebFluxProperties());

    private final AtomicInteger ordersTested = new AtomicInteger();
    private final AtomicInteger usersTested = new AtomicInteger();
    private final Route orders = route("orders", "/orders/**", ordersTested);
    private final Route users = route("users", "/users/**", usersTested);
    private final RouteLocator routes = () -> Flux.just(orders, users);

    @Test
    void onlyTheCandidatesOfThePathAreTested() {
        IndexedRoutePredicateHandlerMapping router = router();
        router.onApplicationEvent(new RefreshRoutesResultEvent(this));

        assertThat(routeFor(router, "/users/7")).isSameAs(users);
        assertThat(ordersTested).as("a route for another first segment").hasValue(0);
        assertThat(usersTested).hasValue(1);
    }

    @Test
    void beforeTheRoutesAreIndexedEveryRouteIsTestedInTurn() {
        assertThat(routeFor(router(), "/users/7")).isSameAs(users);
        assertThat(ordersTested).hasValue(1);
        assertThat(usersTested).hasValue(1);
    }

    private IndexedRoutePredicateHandlerMapping router() {
        return new IndexedRoutePredicateHandlerMapping(
                new FilteringWebHandler(List.of(), false), routes, new GlobalCorsProperties(), new MockEnvironment());
    }

    private static Route routeFor(IndexedRoutePredicateHandlerMapping router, String path) {
        ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        StepVerifier.create(router.getHandler(exchange)).expectNextCount(1).verifyComplete();
        return exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    }

    /** A route for {@code pattern} that counts how often the router tests it. */
    private static Route route(String id, String pattern, AtomicInteger tested) {
        AsyncPredicate<ServerWebExchange> counted = exchange -> {
            tested.incrementAndGet();
            return Mono.just(true);
        };
        AsyncPredicate<ServerWebExchange> path =
                PATH.applyAsync(new PathRoutePredicateFactory.Config().setPatterns(List.of(pattern)));
        return Route.async()
                .id(id)
                .uri("http://upstream")
                .asyncPredicate(counted.and(path))
                .build();
    }
}
