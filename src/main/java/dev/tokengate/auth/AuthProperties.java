package dev.tokengate.auth;

import dev.tokengate.http.HttpTokens;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;

/**
 * Which credentials tokengate reads, and what it tells the upstream about them.
 *
 * @param schemes Authorization schemes that carry a token, matched case-insensitively. Token is the Django REST
 *     Framework style.
 * @param userHeader Request header that carries the authenticated user id to the upstream. A client-sent one is always
 *     removed.
 * @param scopesHeader Request header that carries the token's space-separated scopes to the upstream. A client-sent
 *     one is always removed.
 * @param forwardCredentials Whether the Authorization header is passed on to the upstream after a successful check.
 */
@ConfigurationProperties(AuthProperties.PREFIX)
public record AuthProperties(
        @DefaultValue({DEFAULT_SCHEME_BEARER, DEFAULT_SCHEME_TOKEN})
        List<String> schemes,

        @DefaultValue(DEFAULT_USER_HEADER) String userHeader,
        @DefaultValue(DEFAULT_SCOPES_HEADER) String scopesHeader,
        @DefaultValue("false") boolean forwardCredentials) {

    public static final String PREFIX = "tokengate.auth";

    public static final String DEFAULT_SCHEME_BEARER = "Bearer";
    public static final String DEFAULT_SCHEME_TOKEN = "Token";
    public static final String DEFAULT_USER_HEADER = "X-User-Id";
    public static final String DEFAULT_SCOPES_HEADER = "X-User-Scopes";

    public AuthProperties {
        Assert.isTrue(schemes != null && !schemes.isEmpty(), PREFIX + ".schemes must name at least one scheme");
        schemes.forEach(scheme ->
                Assert.isTrue(HttpTokens.isToken(scheme), PREFIX + ".scheme '" + scheme + "' is not an HTTP token"));
        Assert.isTrue(
                HttpTokens.isToken(userHeader), PREFIX + ".user-header '" + userHeader + "' is not a header name");
        Assert.isTrue(
                HttpTokens.isToken(scopesHeader),
                PREFIX + ".scopes-header '" + scopesHeader + "' is not a header name");
        Assert.isTrue(
                !userHeader.equalsIgnoreCase(scopesHeader), PREFIX + ".user-header and scopes-header must differ");
    }
}
