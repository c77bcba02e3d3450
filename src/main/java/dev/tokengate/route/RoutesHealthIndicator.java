package dev.tokengate.route;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The runtime routes, in the readiness group: DOWN until the routes stored in Redis have been read once (see {@link
 * RoutesNotReadFilter}), UP from then on, through any later Redis outage. Its details, for admins, count the stored
 * routes in service and name each one skipped because it would not load.
 */
class RoutesHealthIndicator implements HealthIndicator {

    private final RedisRouteDefinitions routes;

    RoutesHealthIndicator(RedisRouteDefinitions routes) {
        this.routes = routes;
    }

    @Override
    public Health health() {
        if (!routes.isRead()) {
            return Health.down()
                    .withDetail("reason", "the routes stored in Redis have not been read yet")
                    .build();
        }
        return Health.up()
                .withDetail("runtimeRoutes", routes.inService())
                .withDetail("skipped", routes.skipped())
                .build();
    }
}
