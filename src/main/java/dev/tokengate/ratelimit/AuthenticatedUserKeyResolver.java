package dev.tokengate.ratelimit;

import dev.tokengate.http.ExchangeAttributes;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Keys Spring Cloud Gateway's {@code RequestRateLimiter} on the user the token check authenticated, so that each user
 * has a budget of their own whatever address they come from. Use it as {@code key-resolver: "#{@userKeyResolver}"} on
 * routes that need a token; on a public route there is no user and the limiter refuses the request.
 */
public class AuthenticatedUserKeyResolver implements KeyResolver {

    public static final String BEAN_NAME = "userKeyResolver";

    @Override
    public Mono<String> resolve(ServerWebExchange exchange) {
        return Mono.justOrEmpty(exchange.<String>getAttribute(ExchangeAttributes.USER));
    }
}
