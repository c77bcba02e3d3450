package dev.tokengate.forwardauth;

import dev.tokengate.auth.AuthFailureWriter;
import dev.tokengate.auth.AuthProperties;
import dev.tokengate.auth.TokenCheck;
import dev.tokengate.auth.TokenDecision;
import dev.tokengate.clientaddress.ClientAddresses;
import dev.tokengate.firewall.RequestFirewallFilter;
import dev.tokengate.firewall.RequestRejections;
import dev.tokengate.http.ExchangeAttributes;
import dev.tokengate.problem.ProblemResponseWriter;
import dev.tokengate.token.TokenRecord;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The authorization endpoint: answers whether the request a proxy asks about may pass, with the gateway's own token
 * check (near cache, guard, metrics, problem answers). 200 with the identity headers allows; any other answer denies,
 * and is meant to reach the client as it is. Being a web filter right after the firewall, the endpoint is answered
 * before any route is matched, so no route can shadow it; it answers on the client port only.
 *
 * <p>The original request must pass the same firewall as requests to the gateway's routes: a path that the policy
 * table and the upstream could read differently is refused, never allowed.
 */
final class AuthzFilter implements WebFilter, Ordered, ApplicationContextAware {

    static final int ORDER = RequestFirewallFilter.ORDER + 1;

    /**
     * Envoy removes the request headers listed here before forwarding: an allowed request that carries no identity
     * must not keep the ones the client sent (Envoy only overwrites headers the answer has).
     */
    static final String ENVOY_HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";

    static final String UNTRUSTED_CALLER = "The authorization endpoint answers only the proxies in "
            + AuthzProperties.PREFIX + ".trusted-proxy-ranges.";

    private static final Logger log = LoggerFactory.getLogger(AuthzFilter.class);

    /** A proxy set up without a header sends every request without it: one line a minute per cause says why. */
    private final EveryMinuteLog undecidableLog = new EveryMinuteLog(log);

    private final String path;
    private final String pathPrefix;
    private final List<AddressRange> trustedProxies;
    private final AuthzPolicies policies;
    private final TokenCheck tokenCheck;
    private final AuthFailureWriter refusals;
    private final ClientAddresses clientAddresses;
    private final ServerWebExchangeFirewall firewall;
    private final RequestRejections rejections;
    private final ProblemResponseWriter problems;
    private final String userHeader;
    private final String scopesHeader;
    /** What a public policy's answer tells Envoy to remove: every identity header. */
    private final String identityHeaders;

    private ApplicationContext context;

    /** @param clientAddresses counts the calling proxy as one more trusted proxy in front of the gateway */
    AuthzFilter(
            AuthzProperties properties,
            AuthProperties authProperties,
            TokenCheck tokenCheck,
            AuthFailureWriter refusals,
            ClientAddresses clientAddresses,
            ServerWebExchangeFirewall firewall,
            RequestRejections rejections,
            ProblemResponseWriter problems) {
        this.path = properties.path();
        this.pathPrefix = properties.path() + "/";
        this.trustedProxies = properties.trustedProxyRanges().stream()
                .map(AddressRange::parse)
                .toList();
        this.policies = new AuthzPolicies(properties.policies());
        this.tokenCheck = tokenCheck;
        this.refusals = refusals;
        this.clientAddresses = clientAddresses;
        this.firewall = firewall;
        this.rejections = rejections;
        this.problems = problems;
        this.userHeader = authProperties.userHeader();
        this.scopesHeader = authProperties.scopesHeader();
        this.identityHeaders = userHeader + "," + scopesHeader;
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String rawPath = exchange.getRequest().getURI().getRawPath();
        if (!(rawPath.equals(path) || rawPath.startsWith(pathPrefix)) || exchange.getApplicationContext() != context) {
            return chain.filter(exchange);
        }
        // Every answer, allow or refuse: a proxy that caches auth answers would otherwise keep a revoked token alive.
        exchange.getResponse().getHeaders().setCacheControl("no-store");
        if (!trusted(exchange.getRequest().getRemoteAddress())) {
            log.debug(
                    "Authorization request from untrusted {}",
                    exchange.getRequest().getRemoteAddress());
            return refuse(exchange, HttpStatus.FORBIDDEN, UNTRUSTED_CALLER);
        }
        OriginalRequest original;
        ServerWebExchange asked;
        try {
            original = OriginalRequest.of(exchange.getRequest(), path);
            asked = askedAbout(exchange, original);
        } catch (OriginalRequest.Unreadable unreadable) {
            return refuse(exchange, HttpStatus.BAD_REQUEST, unreadable.getMessage());
        }
        return firewall.getFirewalledExchange(asked)
                .flatMap(checked -> decide(exchange, asked, original))
                .onErrorResume(ServerExchangeRejectedException.class, rejected -> rejections.refuseRequestLine(asked));
    }

    private boolean trusted(InetSocketAddress remote) {
        if (remote == null || remote.getAddress() == null) {
            return false;
        }
        for (AddressRange range : trustedProxies) {
            if (range.contains(remote.getAddress())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exchange as if the original request had come here: the firewall checks it, and refusals describe it (the
     * problem's {@code instance} is the original path). It shares the attributes and the response with {@code
     * exchange}.
     */
    private static ServerWebExchange askedAbout(ServerWebExchange exchange, OriginalRequest original)
            throws OriginalRequest.Unreadable {
        String uri = original.uri();
        if (!uri.startsWith("/") || uri.startsWith("//") || uri.indexOf('#') >= 0) {
            throw new OriginalRequest.Unreadable("The original request target is not a path: " + uri);
        }
        URI parsed;
        try {
            parsed = URI.create("http://localhost" + uri);
        } catch (IllegalArgumentException e) {
            throw new OriginalRequest.Unreadable("The original request target is not a path: " + uri);
        }
        // nginx's minimal configuration sends no method: its subrequest's own (GET) stands in for the firewall.
        HttpMethod method =
                original.method() == null ? exchange.getRequest().getMethod() : HttpMethod.valueOf(original.method());
        ServerHttpRequest request =
                exchange.getRequest().mutate().method(method).uri(parsed).build();
        return exchange.mutate().request(request).build();
    }

    private Mono<Void> decide(ServerWebExchange exchange, ServerWebExchange asked, OriginalRequest original) {
        AuthzPolicies.Matched matched;
        try {
            matched = policies.match(original.method(), original.host(), pathForMatching(asked));
        } catch (AuthzPolicies.Undecidable undecidable) {
            exchange.getAttributes().put(ExchangeAttributes.ROUTE_ID, undecidable.policyId());
            String detail = undecidableDetail(undecidable);
            undecidableLog.warn(undecidable.policyId() + "/" + undecidable.missing(), detail);
            return refuse(exchange, HttpStatus.BAD_REQUEST, detail);
        }
        exchange.getAttributes().put(ExchangeAttributes.ROUTE_ID, matched.id());
        if (!matched.policy().authRequired()) {
            exchange.getResponse().getHeaders().set(ENVOY_HEADERS_TO_REMOVE, identityHeaders);
            return allow(exchange);
        }
        // Refusals describe the original request: its path is the problem's instance.
        return tokenCheck
                .check(asked, clientAddresses, matched.id(), matched.policy())
                .flatMap(decision -> decision instanceof TokenDecision.Allowed allowed
                        ? allow(exchange, allowed.token())
                        : refusals.refuse(asked, decision));
    }

    /**
     * Says which header to add: only nginx leaves the method or host out, when its configuration does not set them
     * (its documentation's example sets only X-Original-URI).
     */
    static String undecidableDetail(AuthzPolicies.Undecidable undecidable) {
        String header = undecidable.missing() == AuthzPolicies.Missing.METHOD
                ? OriginalRequest.NGINX_METHOD
                : OriginalRequest.NGINX_HOST;
        return "The authorization request lacks " + header + ", which policy '" + undecidable.policyId()
                + "' needs to decide: set it in the proxy's configuration.";
    }

    /** One trailing slash does not change what a policy means: {@code /admin/} is {@code /admin} to most upstreams. */
    private static PathContainer pathForMatching(ServerWebExchange asked) {
        String value = asked.getRequest().getPath().value();
        PathContainer path = asked.getRequest().getPath().pathWithinApplication();
        return value.length() > 1 && value.endsWith("/")
                ? path.subPath(0, path.elements().size() - 1)
                : path;
    }

    private Mono<Void> allow(ServerWebExchange exchange, TokenRecord token) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set(userHeader, token.user());
        if (token.scopes().isEmpty()) {
            headers.set(ENVOY_HEADERS_TO_REMOVE, scopesHeader);
        } else {
            headers.set(scopesHeader, token.scopes());
        }
        return allow(exchange);
    }

    private static Mono<Void> allow(ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(HttpStatus.OK);
        exchange.getResponse().getHeaders().setContentLength(0);
        return exchange.getResponse().setComplete();
    }

    private Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String detail) {
        return problems.write(exchange, status, detail, Map.of());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
