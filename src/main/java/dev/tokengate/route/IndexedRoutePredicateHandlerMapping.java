package dev.tokengate.route;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_PATH_CONTAINER_ATTR;

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
import reactor.util.context.Context;

/**
 * Spring Cloud Gateway's router, testing only the routes a request's path could match ({@link RouteIndex}) instead of
 * every route in turn. The index is rebuilt from the route cache each time the cache has been replaced; until the first
 * routes are loaded, and with a {@code spring.webflux.base-path} (which the {@code Path} predicate puts in front of
 * every pattern), every route is tested as before.
 */
public class IndexedRoutePredicateHandlerMapping extends RoutePredicateHandlerMapping
        implements ApplicationListener<RefreshRoutesResultEvent> {

    private static final Logger log = LoggerFactory.getLogger(IndexedRoutePredicateHandlerMapping.class);

    /** The subscriber context key of the routes one lookup tests ({@code List<Route>}). */
    private static final String CANDIDATES = IndexedRoutePredicateHandlerMapping.class.getName() + ".candidates";

    private final RouteLocator routeLocator;
    private final boolean indexable;
    private volatile RouteIndex index;

    public IndexedRoutePredicateHandlerMapping(
            FilteringWebHandler webHandler,
            RouteLocator routeLocator,
            GlobalCorsProperties globalCorsProperties,
            Environment environment) {
        super(webHandler, candidatesOr(routeLocator), globalCorsProperties, environment);
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

    /**
     * The routes the framework's lookup tests, in order: the index's candidates for the request, which {@link
     * #lookupRoute} hands down in the subscriber context, or every route when it gave none.
     */
    private static RouteLocator candidatesOr(RouteLocator everyRoute) {
        return () -> Flux.deferContextual(context -> context.<List<Route>>getOrEmpty(CANDIDATES)
                .map(Flux::fromIterable)
                .orElseGet(everyRoute::getRoutes));
    }

    /**
     * Spring Cloud Gateway's own lookup (predicates applied in turn, the matched route validated and logged), over the
     * index's candidates for this path instead of every route.
     */
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
        return super.lookupRoute(exchange).contextWrite(Context.of(CANDIDATES, current.candidates(path)));
    }
}
