package dev.tokengate.http;

/**
 * The names of the attributes tokengate's filters and handlers leave on an exchange for one another, in one place, as
 * Spring Cloud Gateway keeps its own in {@code ServerWebExchangeUtils}. Each says who writes it and who reads it.
 */
public final class ExchangeAttributes {

    private static final String PREFIX = "tokengate.";

    /**
     * The request's id ({@code String}): the client's well-formed {@code X-Request-Id} or a new one. Written by the
     * access log filter, first of all; read by the upstream headers and the access log.
     */
    public static final String REQUEST_ID = PREFIX + "requestId";

    /**
     * The client address the request is counted under ({@code ClientAddress}), resolved once so that the guard, the
     * upstream headers and the audit trail see the same one. Written by {@code ClientAddresses} on first use; the
     * route's token filter and the authorization endpoint each hand the token check their own (the endpoint's counts
     * the calling proxy as one more trusted one).
     */
    public static final String CLIENT_ADDRESS = PREFIX + "clientAddress";

    /**
     * The {@code TokenRecord} of a request whose token was checked and accepted on a route; absent otherwise. Written by
     * the route's token filter; read by the upstream headers (identity) and the rate limiter's key.
     */
    public static final String AUTHENTICATED = PREFIX + "authenticated";

    /**
     * The {@code RoutePolicy} an accepted credential was checked against, beside {@link #AUTHENTICATED}. Written by the
     * route's token filter; read by the open connections a change of the credential closes.
     */
    public static final String ROUTE_POLICY = PREFIX + "routePolicy";

    /**
     * The {@code Authorization} values ({@code List<String>}) the client sent with an accepted token, which are not to
     * reach the upstream; absent with {@code forward-credentials}, and on public routes. Written by the route's token
     * filter; read by the upstream headers.
     */
    public static final String WITHHELD_CREDENTIALS = PREFIX + "withheldCredentials";

    /** The user id ({@code String}) of an accepted token, for the access log. Written by the token check. */
    public static final String USER = PREFIX + "user";

    /**
     * The id ({@code String}) logged as the route of a request no route handles, such as an authorization request's
     * policy. Written by the authorization endpoint; read by the access log.
     */
    public static final String ROUTE_ID = PREFIX + "routeId";

    /**
     * Present on a request sent to the upstream a second time, after it closed or reset the first connection before
     * answering. Written by the upstream retry filter; logged as {@code retried=true}.
     */
    public static final String RETRIED = PREFIX + "retried";

    /** Present on a request answered but not logged: probes and scrapes on the management port. */
    public static final String UNLOGGED = PREFIX + "unlogged";

    /**
     * What the audit trail names as an admin call's target ({@code String}), more fully than the path can (an issued
     * token's user and id). Written by admin handlers through {@code AuditTarget}; read by the audit filter.
     */
    public static final String AUDIT_TARGET = PREFIX + "auditTarget";

    private ExchangeAttributes() {}
}
