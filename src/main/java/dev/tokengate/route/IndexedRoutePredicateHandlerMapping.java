package dev.tokengate.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_PATH_CONTAINER_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.http.server.PathContainer;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's router, testing only the routes a request's path could match ({@link RouteIndex}) instead of
 * every route in turn. The index is rebuilt from the route cache each time the cache has been replaced; until the first
 * routes are loaded, and with a {@code spring.webflux.base-path} (which the {@code Path} predicate puts in front of
 * every pattern), every route is tested as before.
 */
public class IndexedRoutePredicateHandlerMapping extends RoutePredicateHandlerMapping
        implements ApplicationListener<RefreshRoutesResultEvent> {

    private static final Logger log = LoggerFactory.getLogger(IndexedRoutePredicateHandlerMapping.class);

    private final RouteLocator routeLocator;
    private final boolean indexable;
    private volatile RouteIndex index;

    public IndexedRoutePredicateHandlerMapping(
            FilteringWebHandler webHandler,
            RouteLocator routeLocator,
            GlobalCorsProperties globalCorsProperties,
            Environment environment) {
        super(webHandler, routeLocator, globalCorsProperties, environment);
        this.routeLocator = routeLocator;
        this.indexable = !StringUtils.hasText(environment.getProperty("spring.webflux.base-path"));
    }

    /**
     * Published by the route cache right after it took the new routes, on the thread that stored them (and under its
     * lock), so the index is rebuilt from exactly those routes before the next refresh can begin.
     */
    @Override
    public void onApplicationEvent(RefreshRoutesResultEvent event) {
        if (!event.isSuccess() || !indexable) {
            return;
        }
        routeLocator.getRoutes().collectList().subscribe(this::reindex, failure -> {
            index = null;
            log.warn("Routes could not be indexed; every route is tested in turn: {}", failure.toString());
        });
    }

    private void reindex(List<Route> routes) {
        RouteIndex rebuilt = RouteIndex.of(routes);
        index = rebuilt;
        log.debug("Indexed {} routes under {} literal first segments", routes.size(), rebuilt.literalSegments());
    }

    @Override
    protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
        RouteIndex current = index;
        if (current == null) {
            return super.lookupRoute(exchange);
        }
        // Parsed and kept exactly as the Path predicate does, which then reuses it.
        PathContainer path = (PathContainer) exchange.getAttributes()
                .computeIfAbsent(
                        GATEWAY_PREDICATE_PATH_CONTAINER_ATTR,
                        key -> PathContainer.parsePath(
                                exchange.getRequest().getURI().getRawPath()));
        return Flux.fromIterable(current.candidates(path))
                .filterWhen(route -> {
                    exchange.getAttributes().put(GATEWAY_PREDICATE_ROUTE_ATTR, route.getId());
                    try {
                        return route.getPredicate().apply(exchange);
                    } catch (Exception e) {
                        logger.error("Error applying predicate for route: " + route.getId(), e);
                        return Mono.just(false);
                    }
                })
                .next()
                .doOnNext(route -> validateRoute(route, exchange));
    }
}
