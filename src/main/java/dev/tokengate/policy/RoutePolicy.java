package dev.tokengate.policy;

import dev.tokengate.token.TokenRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.cloud.gateway.route.Route;

/**
 * The token policy of a route, read from its metadata. Secure by default: a route needs a valid token unless its
 * metadata says {@code auth: none}.
 *
 * <pre>
 * metadata:
 *   auth: none                           # public route
 *   auth: certificate                    # a registered client certificate instead of a token
 *   auth: token-or-certificate           # either
 *   scopes: "orders:read orders:write"   # all of these must be among the token's (or certificate's) scopes
 * </pre>
 *
 * @param authRequired whether the route needs valid credentials
 * @param requiredScopes scopes the credentials must all have; may be empty
 * @param accepts which credentials the route takes
 */
public record RoutePolicy(boolean authRequired, List<String> requiredScopes, Accepts accepts) {

    public static final String AUTH_KEY = "auth";
    public static final String SCOPES_KEY = "scopes";
    public static final String AUTH_NONE = "none";
    public static final String AUTH_REQUIRED = "required";
    public static final String AUTH_CERTIFICATE = "certificate";
    public static final String AUTH_TOKEN_OR_CERTIFICATE = "token-or-certificate";

    /** The credentials a route takes: a bearer token, a registered client certificate of the TLS connection, or either. */
    public enum Accepts {
        TOKEN,
        CERTIFICATE,
        TOKEN_OR_CERTIFICATE;

        public boolean token() {
            return this != CERTIFICATE;
        }

        public boolean certificate() {
            return this != TOKEN;
        }
    }

    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private static final RoutePolicy TOKEN_REQUIRED = new RoutePolicy(true, List.of());
    private static final RoutePolicy PUBLIC = new RoutePolicy(false, List.of());

    public RoutePolicy {
        requiredScopes = List.copyOf(requiredScopes);
    }

    /** A policy that takes a token. */
    public RoutePolicy(boolean authRequired, List<String> requiredScopes) {
        this(authRequired, requiredScopes, Accepts.TOKEN);
    }

    public static RoutePolicy of(Route route) {
        return of(route.getMetadata());
    }

    /**
     * Anything but {@code auth: none} requires credentials, and anything but the two certificate values a token, so a
     * typo never opens a route.
     */
    public static RoutePolicy of(Map<String, Object> metadata) {
        Object auth = metadata.get(AUTH_KEY);
        if (is(auth, AUTH_NONE)) {
            return PUBLIC;
        }
        List<String> scopes = scopes(metadata.get(SCOPES_KEY));
        Accepts accepts = accepts(auth);
        return scopes.isEmpty() && accepts == Accepts.TOKEN ? TOKEN_REQUIRED : new RoutePolicy(true, scopes, accepts);
    }

    /** Whether a route with this metadata takes client certificates. */
    public static boolean acceptsCertificates(Map<String, Object> metadata) {
        return accepts(metadata.get(AUTH_KEY)).certificate();
    }

    /**
     * What is wrong with a route's token policy, one line each; empty when nothing is. Routes with mistakes are refused
     * where they are configured (at startup, or by the route endpoint), and {@link #of} still reads any that get
     * through as requiring a token.
     */
    public static List<String> problems(Map<String, Object> metadata) {
        List<String> problems = new ArrayList<>();
        Object auth = metadata.get(AUTH_KEY);
        if (auth != null
                && Stream.of(AUTH_NONE, AUTH_REQUIRED, AUTH_CERTIFICATE, AUTH_TOKEN_OR_CERTIFICATE)
                        .noneMatch(value -> is(auth, value))) {
            problems.add("metadata " + AUTH_KEY + ": '" + auth + "' is none of '" + AUTH_NONE + "', '" + AUTH_REQUIRED
                    + "', '" + AUTH_CERTIFICATE + "', '" + AUTH_TOKEN_OR_CERTIFICATE + "'");
        }
        Object scopes = metadata.get(SCOPES_KEY);
        if (scopes != null) {
            scopeProblem(scopes).ifPresent(problem -> problems.add("metadata " + SCOPES_KEY + ": " + problem));
        }
        return problems;
    }

    /**
     * Scopes are RFC 6749 scope-tokens (section 3.3: visible ASCII but {@code "} and {@code \}) separated by spaces.
     * A comma is a valid character there, but in a route it is nearly always a separator typed by mistake, which would
     * make the route require one scope no token has.
     */
    private static Optional<String> scopeProblem(Object value) {
        if (value instanceof Map<?, ?> indexed) {
            if (!indexed.keySet().stream().allMatch(key -> key.toString().matches("\\d+"))) {
                return Optional.of("expected a space-separated string or a list of scopes, got " + value);
            }
            return scopeProblem(indexed.values());
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream()
                    .map(RoutePolicy::scopeProblem)
                    .flatMap(Optional::stream)
                    .findFirst();
        }
        if (!(value instanceof String text)) {
            return Optional.of("expected a space-separated string or a list of scopes, got " + value);
        }
        if (text.contains(",")) {
            return Optional.of("'" + text + "' has a comma: scopes are separated by spaces");
        }
        for (String scope : text.trim().split("\\s+")) {
            if (!scope.isEmpty() && !SCOPE_TOKEN.matcher(scope).matches()) {
                return Optional.of(
                        "'" + scope + "' is not a scope (RFC 6749 section 3.3: visible ASCII but \" and \\)");
            }
        }
        return Optional.empty();
    }

    public boolean isSatisfiedBy(TokenRecord token) {
        for (String scope : requiredScopes) {
            if (!token.hasScope(scope)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code scope} attribute of an insufficient_scope challenge: every scope the route requires. */
    public String scopeChallenge() {
        // a quoted-string (RFC 9110 section 5.6.4): escape what would end it early
        return String.join(" ", requiredScopes).replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Whether a metadata value is {@code value}, ignoring case and surrounding spaces. */
    private static boolean is(Object auth, String value) {
        return auth != null && value.equalsIgnoreCase(auth.toString().trim());
    }

    private static Accepts accepts(Object auth) {
        if (is(auth, AUTH_CERTIFICATE)) {
            return Accepts.CERTIFICATE;
        }
        return is(auth, AUTH_TOKEN_OR_CERTIFICATE) ? Accepts.TOKEN_OR_CERTIFICATE : Accepts.TOKEN;
    }

    // Metadata from YAML may be a space-separated string, a list, or a map of list indexes.
    private static List<String> scopes(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map<?, ?> indexed) {
            return scopes(indexed.values());
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream()
                    .flatMap(item -> scopes(item).stream())
                    .distinct()
                    .collect(Collectors.toList());
        }
        return Arrays.stream(value.toString().trim().split("\\s+"))
                .filter(scope -> !scope.isEmpty())
                .distinct()
                .collect(Collectors.toList());
    }
}
