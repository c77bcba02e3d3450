package dev.tokengate.route;

import dev.tokengate.assertion.RouteAssertion;
import dev.tokengate.config.NearestName;
import dev.tokengate.policy.RoutePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.StringUtils;

/**
 * Finds what would stop a route definition from loading, before it is put in service: a predicate or filter that does
 * not exist, arguments that do not bind, metadata that tokengate or Spring Cloud Gateway would misread. Spring Cloud
 * Gateway finds most of these only when it loads every route at once, and then fails them all, public routes
 * included. The arguments are bound as {@code RouteDefinitionRouteLocator} binds them, but without publishing the
 * events that put a route in service (weights, for one).
 */
public class RouteDefinitionCheck {

    /** Metadata Spring Cloud Gateway reads as milliseconds (negative: no timeout). */
    static final List<String> MILLISECOND_METADATA = List.of("response-timeout", "connect-timeout");

    private final Map<String, RoutePredicateFactory<?>> predicates;
    private final Map<String, GatewayFilterFactory<?>> filters;
    private final ConfigurationService configurationService;
    private final Function<Map<String, Object>, List<String>> settingsProblems;

    /**
     * @param settingsProblems what is wrong with a route's metadata under this gateway's settings (it takes client
     *     certificates where the client port cannot ask for them, it names an SSL bundle that does not exist)
     */
    public RouteDefinitionCheck(
            List<RoutePredicateFactory<?>> predicates,
            List<GatewayFilterFactory<?>> filters,
            ConfigurationService configurationService,
            Function<Map<String, Object>, List<String>> settingsProblems) {
        this.predicates = byName(predicates, RoutePredicateFactory::name);
        this.filters = byName(filters, GatewayFilterFactory::name);
        this.configurationService = configurationService;
        this.settingsProblems = settingsProblems;
    }

    private static <F> Map<String, F> byName(List<F> factories, Function<F, String> name) {
        return factories.stream().collect(Collectors.toMap(name, Function.identity(), (first, second) -> second));
    }

    /** What is wrong with the route, one line each; empty when it would load as written. */
    public List<String> problems(RouteDefinition route) {
        List<String> problems = new ArrayList<>();
        if (route.getUri() == null || !StringUtils.hasText(route.getUri().getScheme())) {
            problems.add("uri '" + route.getUri() + "' needs a scheme, such as http://");
        }
        for (PredicateDefinition predicate : route.getPredicates()) {
            problems.addAll(predicateProblems(predicate));
        }
        problems.addAll(filterProblems(route.getFilters()));
        problems.addAll(RoutePolicy.problems(route.getMetadata()));
        problems.addAll(RouteAssertion.problems(route.getMetadata()));
        problems.addAll(settingsProblems.apply(route.getMetadata()));
        for (String key : MILLISECOND_METADATA) {
            Object value = route.getMetadata().get(key);
            if (value != null && !(value instanceof Number) && !value.toString().matches("-?\\d{1,18}")) {
                problems.add("metadata " + key + ": '" + value + "' is not a number of milliseconds");
            }
        }
        return problems;
    }

    /** Spring Cloud Gateway's default filters, which every route gets. */
    public List<String> filterProblems(List<FilterDefinition> definitions) {
        List<String> problems = new ArrayList<>();
        for (FilterDefinition filter : definitions) {
            GatewayFilterFactory<Object> factory = factory(filters, filter.getName());
            if (factory == null) {
                problems.add(unknown("filter", filter.getName(), filters));
                continue;
            }
            try {
                factory.apply(configurationService
                        .with(factory)
                        .name(filter.getName())
                        .properties(filter.getArgs())
                        .bind());
            } catch (RuntimeException e) {
                problems.add(unbound("filter", filter.getName(), filter.getArgs(), e));
            }
        }
        return problems;
    }

    private List<String> predicateProblems(PredicateDefinition predicate) {
        RoutePredicateFactory<Object> factory = factory(predicates, predicate.getName());
        if (factory == null) {
            return List.of(unknown("predicate", predicate.getName(), predicates));
        }
        try {
            factory.applyAsync(configurationService
                    .with(factory)
                    .name(predicate.getName())
                    .properties(predicate.getArgs())
                    .bind());
            return List.of();
        } catch (RuntimeException e) {
            return List.of(unbound("predicate", predicate.getName(), predicate.getArgs(), e));
        }
    }

    @SuppressWarnings("unchecked")
    private static <F> F factory(Map<String, ?> factories, String name) {
        return (F) factories.get(name);
    }

    private static String unknown(String kind, String name, Map<String, ?> known) {
        return kind + " '" + name + "' does not exist; "
                + NearestName.among(known.keySet(), name)
                        .map(nearest -> "did you mean '" + nearest + "'?")
                        .orElse("the " + kind + "s are "
                                + String.join(
                                        ", ", known.keySet().stream().sorted().toList()));
    }

    private static String unbound(String kind, String name, Map<String, String> args, RuntimeException e) {
        return kind + " '" + name + "' cannot take the arguments " + args + ": "
                + NestedExceptionUtils.getMostSpecificCause(e).getMessage();
    }
}
