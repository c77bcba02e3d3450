package dev.tokengate.admin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The {@code "<METHOD> <path pattern>"} of every route of a router function, read with WebFlux's own visitors: what
 * the router will answer, not what anyone wrote down. Routes without a method (the admin API's catch-all 404) are left
 * out.
 */
final class AdminRoutes implements RouterFunctions.Visitor, RequestPredicates.Visitor {

    private final Set<String> routes = new TreeSet<>();
    private final Deque<String> nested = new ArrayDeque<>();
    private String path;
    private Set<HttpMethod> methods;

    static Set<String> of(RouterFunction<?> router) {
        AdminRoutes visitor = new AdminRoutes();
        router.accept(visitor);
        return visitor.routes;
    }

    @Override
    public void startNested(RequestPredicate predicate) {
        path = null;
        predicate.accept(this);
        nested.push(prefix() + (path == null ? "" : path));
    }

    @Override
    public void endNested(RequestPredicate predicate) {
        nested.pop();
    }

    @Override
    public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
        path = null;
        methods = null;
        predicate.accept(this);
        if (methods != null) {
            methods.forEach(method -> routes.add(method.name() + " " + prefix() + (path == null ? "" : path)));
        }
    }

    private String prefix() {
        return nested.isEmpty() ? "" : nested.peek();
    }

    @Override
    public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {}

    @Override
    public void attributes(Map<String, Object> attributes) {}

    @Override
    public void unknown(RouterFunction<?> routerFunction) {
        throw new AssertionError("A route the test cannot read: " + routerFunction);
    }

    @Override
    public void method(Set<HttpMethod> methods) {
        this.methods = methods;
    }

    @Override
    public void path(String pattern) {
        path = pattern;
    }

    @Override
    public void pathExtension(String extension) {}

    @Override
    public void header(String name, String value) {}

    @Override
    public void queryParam(String name, String value) {}

    @Override
    public void version(String version) {}

    @Override
    public void startAnd() {}

    @Override
    public void and() {}

    @Override
    public void endAnd() {}

    @Override
    public void startOr() {}

    @Override
    public void or() {}

    @Override
    public void endOr() {}

    @Override
    public void startNegate() {}

    @Override
    public void endNegate() {}

    @Override
    public void unknown(RequestPredicate predicate) {
        throw new AssertionError("A route predicate the test cannot read: " + predicate);
    }
}
