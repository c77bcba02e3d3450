package dev.tokengate.route;

import dev.tokengate.config.InvalidSettingsException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteDefinition;

/**
 * Stops startup, before any server or Redis connection starts, when a configured route would not load: Spring Cloud
 * Gateway would start anyway, report ready, and answer every request, public routes included, with a 500.
 */
class ConfiguredRoutesCheck implements SmartInitializingSingleton {

    private final GatewayProperties gateway;
    private final RouteDefinitionCheck check;

    ConfiguredRoutesCheck(GatewayProperties gateway, RouteDefinitionCheck check) {
        this.gateway = gateway;
        this.check = check;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> mistakes = new ArrayList<>();
        for (String problem : check.filterProblems(gateway.getDefaultFilters())) {
            mistakes.add("Default filters (" + GatewayProperties.PREFIX + ".default-filters): " + sentence(problem));
        }
        List<RouteDefinition> routes = gateway.getRoutes();
        for (int i = 0; i < routes.size(); i++) {
            for (String problem : check.problems(routes.get(i))) {
                mistakes.add("Route '" + routes.get(i).getId() + "' (" + GatewayProperties.PREFIX + ".routes[" + i
                        + "]): " + sentence(problem));
            }
        }
        if (!mistakes.isEmpty()) {
            throw new InvalidSettingsException(mistakes);
        }
    }

    private static String sentence(String problem) {
        return problem.endsWith("?") || problem.endsWith(".") ? problem : problem + ".";
    }
}
