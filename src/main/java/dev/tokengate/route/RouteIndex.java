package dev.tokengate.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.handler.predicate.PathRoutePredicateFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.server.PathContainer;

/**
 * The routes a request could match, found by its path's first segment, in the routes' own order.
 *
 * <p>Spring Cloud Gateway tests every route's predicates in order until one matches, so with many routes most of a
 * request's routing cost goes into predicates that were never going to match. A route whose {@code Path} patterns all
 * begin with a literal segment ({@code /orders/**}, {@code /orders/{id}}) can only match requests whose first segment
 * is that literal; every other route (no {@code Path}, {@code /**}, {@code /{tenant}/**}, {@code /or*}) could match any
 * request. For each literal, the index keeps the routes that could match it, literal and other alike, in their
 * configured order; the router then tests those as before, predicates and all. A request is routed exactly as without
 * the index, only without testing routes that cannot match it.
 *
 * <p>The first segment is taken as the {@code Path} predicate reads it: decoded, without {@code ;} parameters, from
 * the same parsed path. A route counts as literal only when nothing could make it match another first segment: its
 * predicate is a plain conjunction (no {@code ||}, no negation anywhere in it), and the literal has none of the
 * characters a pattern or the path's parsing treats specially.
 */
final class RouteIndex {

    private final Map<String, List<Route>> byFirstSegment;
    private final List<Route> anyFirstSegment;

    private RouteIndex(Map<String, List<Route>> byFirstSegment, List<Route> anyFirstSegment) {
        this.byFirstSegment = byFirstSegment;
        this.anyFirstSegment = anyFirstSegment;
    }

    /** @param routes in the order the router tests them */
    static RouteIndex of(List<Route> routes) {
        Map<String, List<Route>> bySegment = new HashMap<>();
        List<Route> anySegment = new ArrayList<>();
        for (Route route : routes) {
            Set<String> segments = literalFirstSegments(route);
            if (segments == null) {
                anySegment.add(route);
                bySegment.values().forEach(candidates -> candidates.add(route));
            } else {
                for (String segment : segments) {
                    bySegment
                            .computeIfAbsent(segment, first -> new ArrayList<>(anySegment))
                            .add(route);
                }
            }
        }
        bySegment.replaceAll((segment, candidates) -> List.copyOf(candidates));
        return new RouteIndex(Map.copyOf(bySegment), List.copyOf(anySegment));
    }

    /** The routes, in order, that could match a request with this path (as the {@code Path} predicate parsed it). */
    List<Route> candidates(PathContainer path) {
        String first = firstSegment(path);
        return first == null ? anyFirstSegment : byFirstSegment.getOrDefault(first, anyFirstSegment);
    }

    int literalSegments() {
        return byFirstSegment.size();
    }

    private static String firstSegment(PathContainer path) {
        List<PathContainer.Element> elements = path.elements();
        if (elements.size() < 2
                || !(elements.get(0) instanceof PathContainer.Separator)
                || !(elements.get(1) instanceof PathContainer.PathSegment segment)) {
            return null;
        }
        return segment.valueToMatch();
    }

    /**
     * The first segments this route can match, or null if it could match any: when its predicate is not a plain
     * conjunction, or none of its {@code Path} predicates has only literal-first patterns.
     */
    static Set<String> literalFirstSegments(Route route) {
        String predicate = String.valueOf(route.getPredicate());
        if (predicate.contains("||") || predicate.contains("!")) {
            return null;
        }
        List<PathRoutePredicateFactory.Config> paths = new ArrayList<>();
        route.getPredicate().accept(part -> {
            if (part.getConfig() instanceof PathRoutePredicateFactory.Config config) {
                paths.add(config);
            }
        });
        for (PathRoutePredicateFactory.Config path : paths) {
            Set<String> segments = literalFirstSegments(path.getPatterns());
            if (segments != null) {
                return segments;
            }
        }
        return null;
    }

    private static Set<String> literalFirstSegments(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return null;
        }
        Set<String> segments = new LinkedHashSet<>();
        for (String pattern : patterns) {
            String segment = literalFirstSegment(pattern);
            if (segment == null) {
                return null;
            }
            segments.add(segment);
        }
        return segments;
    }

    private static String literalFirstSegment(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            return null;
        }
        int end = pattern.indexOf('/', 1);
        String segment = end < 0 ? pattern.substring(1) : pattern.substring(1, end);
        if (segment.isEmpty()) {
            return null;
        }
        for (int i = 0; i < segment.length(); i++) {
            if ("*?{}%;\\".indexOf(segment.charAt(i)) >= 0) {
                return null;
            }
        }
        return segment;
    }
}
