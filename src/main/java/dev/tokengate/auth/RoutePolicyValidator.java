package dev.tokengate.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;

/**
 * Warns about route metadata the token policy does not understand, each time routes are loaded. Such routes still
 * require a token: a typo must never open a route, but ops should learn of it before a user does.
 */
class RoutePolicyValidator implements ApplicationListener<RefreshRoutesResultEvent> {

    private static final Logger log = LoggerFactory.getLogger(RoutePolicyValidator.class);

    @Override
    public void onApplicationEvent(RefreshRoutesResultEvent event) {
        if (event.isSuccess() && event.getSource() instanceof RouteLocator routes) {
            routes.getRoutes().subscribe(this::validate);
        }
    }

    void validate(Route route) {
        Object auth = route.getMetadata().get(RoutePolicy.AUTH_KEY);
        if (!RoutePolicy.isKnownAuthValue(auth)) {
            log.warn(
                    "Route {} has metadata {}: '{}', which is neither '{}' nor '{}'; the route requires a token",
                    route.getId(),
                    RoutePolicy.AUTH_KEY,
                    auth,
                    RoutePolicy.AUTH_NONE,
                    RoutePolicy.AUTH_REQUIRED);
        }
    }
}
