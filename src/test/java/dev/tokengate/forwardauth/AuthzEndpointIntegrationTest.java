package dev.tokengate.forwardauth;

import static dev.tokengate.support.ProblemAssertions.CHALLENGE_INVALID_TOKEN;
import static dev.tokengate.support.ProblemAssertions.CHALLENGE_MALFORMED;
import static dev.tokengate.support.ProblemAssertions.CHALLENGE_NO_CREDENTIALS;
import static dev.tokengate.support.ProblemAssertions.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.PrometheusScrape;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RefusalTimer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The authorization endpoint as nginx, Traefik and Envoy call it: each protocol's request for the same original
 * requests gets the same decision, with the policy table in {@code application-authz.yml}, and the recording upstream
 * proves that no authorization request is ever forwarded.
 */
@ActiveProfiles({"test", "authz"})
@ExtendWith(OutputCaptureExtension.class)
class AuthzEndpointIntegrationTest extends GatewayIntegrationTest {

    private static final String API = "api.example.org";

    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void validTokenIsAllowedWithTheIdentityForTheUpstream(AuthzProtocol protocol) {
        String token = tokens.issue("alice", "orders:read");

        protocol.ask(client, "GET", API, "/orders/1?page=2", "Bearer " + token)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-User-Id", "alice")
                .expectHeader()
                .valueEquals("X-User-Scopes", "orders:read")
                .expectBody()
                .isEmpty();
        assertThat(upstream.requestCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void deniedRequestsGetTheGatewaysProblemAnswersAboutTheOriginalPath(AuthzProtocol protocol) {
        String token = tokens.issue("alice", "orders:read");

        assertProblem(
                protocol.ask(client, "GET", API, "/orders/1", null),
                HttpStatus.UNAUTHORIZED,
                CHALLENGE_NO_CREDENTIALS,
                "Authentication credentials were not provided.",
                "/orders/1");
        assertProblem(
                protocol.ask(client, "GET", API, "/orders/1", "Bearer"),
                HttpStatus.BAD_REQUEST,
                CHALLENGE_MALFORMED,
                "Malformed credentials.",
                "/orders/1");
        assertProblem(
                protocol.ask(client, "GET", API, "/orders/1", "Bearer unknown-" + token),
                HttpStatus.UNAUTHORIZED,
                CHALLENGE_INVALID_TOKEN,
                "Invalid token.",
                "/orders/1");
        assertProblem(
                        protocol.ask(client, "DELETE", API, "/orders/1", "Bearer " + token),
                        HttpStatus.FORBIDDEN,
                        "Bearer realm=\"tokengate\", error=\"insufficient_scope\", scope=\"orders:write\"",
                        "Insufficient scope.",
                        "/orders/1")
                .jsonPath("$.scope")
                .isEqualTo("orders:write");
        assertThat(upstream.requestCount()).isZero();
    }

    /** A proxy configured to cache auth answers must never keep one: it would keep a revoked token alive. */
    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void noAnswerOfTheEndpointMayBeCached(AuthzProtocol protocol) {
        String token = tokens.issue("alice", "orders:read");
        List<WebTestClient.ResponseSpec> answers = List.of(
                protocol.ask(client, "GET", API, "/orders/1", "Bearer " + token),
                protocol.ask(client, "GET", API, "/status/health", null),
                protocol.ask(client, "GET", API, "/orders/1", null),
                protocol.ask(client, "GET", API, "/orders/1", "Bearer"),
                protocol.ask(client, "GET", API, "/orders/1", "Bearer unknown-" + token),
                protocol.ask(client, "DELETE", API, "/orders/1", "Bearer " + token),
                protocol.ask(client, "GET", API, "/orders/%2e%2e/admin", "Bearer " + token));
        List<Integer> statuses = List.of(200, 200, 401, 400, 401, 403, 400);

        for (int i = 0; i < answers.size(); i++) {
            answers.get(i)
                    .expectStatus()
                    .isEqualTo(statuses.get(i))
                    .expectHeader()
                    .valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");
        }
        RawHttpClient.Response unreadable =
                protocol.askRaw(new RawHttpClient(port), "GET", "/orders/1", "X-Original-URI: /status/1");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.header(HttpHeaders.CACHE_CONTROL)).isEqualTo("no-store");
        RawHttpClient.Response notAllowedByTheFirewall =
                AuthzProtocol.NGINX.askRaw(new RawHttpClient(port), "TRACE", "/status/1");
        assertThat(notAllowedByTheFirewall.status()).isEqualTo(501);
        assertThat(notAllowedByTheFirewall.header(HttpHeaders.CACHE_CONTROL)).isEqualTo("no-store");
    }

    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void policiesMatchOnMethodHostAndPathFirstMatchWins(AuthzProtocol protocol) {
        String reader = tokens.issue("alice", "orders:read");
        String writer = tokens.issue("bob", "orders:read orders:write");
        String admin = tokens.issue("carol", "admin");

        protocol.ask(client, "POST", API, "/orders", "Bearer " + writer)
                .expectStatus()
                .isOk();
        protocol.ask(client, "POST", API, "/orders", "Bearer " + reader)
                .expectStatus()
                .isForbidden();
        protocol.ask(client, "GET", API, "/orders/", "Bearer " + admin)
                .expectStatus()
                .isForbidden();
        protocol.ask(client, "GET", "admin.example.org", "/users", "Bearer " + reader)
                .expectStatus()
                .isForbidden();
        protocol.ask(client, "GET", "Admin.Example.org:443", "/users", "Bearer " + admin)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-User-Id", "carol");
        // no policy: a valid token of any scope
        protocol.ask(client, "GET", API, "/profile", "Bearer " + admin)
                .expectStatus()
                .isOk();
        protocol.ask(client, "GET", API, "/profile", null).expectStatus().isUnauthorized();
    }

    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void publicPolicyAllowsWithoutTokenAndTellsEnvoyToDropClientIdentity(AuthzProtocol protocol) {
        protocol.ask(client, "GET", API, "/status/health", null)
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("X-User-Id")
                .expectHeader()
                .valueEquals(AuthzFilter.ENVOY_HEADERS_TO_REMOVE, "X-User-Id,X-User-Scopes");
        String token = tokens.issue("alice", "");
        protocol.ask(client, "GET", API, "/profile", "Bearer " + token)
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("X-User-Scopes")
                .expectHeader()
                .valueEquals(AuthzFilter.ENVOY_HEADERS_TO_REMOVE, "X-User-Scopes");
    }

    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void revokedTokenIsDeniedOnTheNextRequest(AuthzProtocol protocol) {
        String token = tokens.issue("alice", "orders:read");
        protocol.ask(client, "GET", API, "/orders/1", "Bearer " + token)
                .expectStatus()
                .isOk();
        protocol.ask(client, "GET", API, "/orders/1", "Bearer " + token)
                .expectStatus()
                .isOk();

        tokens.revoke(token);
        long revoked = System.nanoTime();

        RefusalTimer.Refusal refusal = RefusalTimer.awaitStatus(
                () -> protocol.ask(client, "GET", API, "/orders/1", "Bearer " + token)
                        .returnResult(Void.class)
                        .getStatus(),
                HttpStatus.UNAUTHORIZED,
                revoked);
        assertThat(refusal.isInTime()).as("%s", refusal).isTrue();
    }

    /**
     * Spellings of the original path that the policy table and the upstream could read differently: each is refused
     * with 400 (the gateway's own answer to such a path), never allowed, even where the plain reading is public.
     */
    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void nonCanonicalOriginalPathIsRefusedNeverAllowed(AuthzProtocol protocol) {
        RawHttpClient raw = new RawHttpClient(port);
        List<String> spellings = List.of(
                "/status/../orders/1",
                "/status/%2e%2e/orders/1",
                "/status/%2E%2E/orders/1",
                "/status/./../orders/1",
                "/status;x=1/../orders/1",
                "/status/..;/orders/1",
                "/status%2F..%2Forders/1",
                "/status/%252e%252e/orders/1",
                "/status\\..\\orders/1",
                "//status/../orders/1",
                "/status/%00/../orders/1");
        for (String spelling : spellings) {
            RawHttpClient.Response response = protocol.askRaw(raw, "GET", spelling);
            assertThat(response.status()).as("%s %s", protocol, spelling).isEqualTo(400);
            assertThat(response.header("X-User-Id")).isNull();
        }
        assertThat(upstream.requestCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = AuthzProtocol.class,
            names = {"NGINX", "TRAEFIK"})
    void originalRequestInHeadersMustBeThereOnceAndAPath(AuthzProtocol protocol) {
        RawHttpClient raw = new RawHttpClient(port);
        String uriHeader = protocol == AuthzProtocol.NGINX ? "X-Original-URI" : "X-Forwarded-Uri";
        String methodHeader = protocol == AuthzProtocol.NGINX ? "X-Original-Method" : "X-Forwarded-Method";

        assertThat(protocol.askRaw(raw, "GET", "/status/1", uriHeader + ": /orders/1")
                        .status())
                .isEqualTo(400);
        assertThat(protocol.askRaw(raw, "GET", "/status/1", methodHeader + ": POST")
                        .status())
                .isEqualTo(400);
        assertThat(protocol.askRaw(raw, "GET", "http://evil.example/status/1").status())
                .isEqualTo(400);
        assertThat(protocol.askRaw(raw, "GET", "/status/1 HTTP/1.1").status()).isEqualTo(400);
        assertThat(raw.get(AuthzProtocol.PATH, "X-Original-Method: GET").status())
                .isEqualTo(400);
        // Traefik always sends all three; nginx's documented configuration only the URI (see below)
        assertThat(raw.get(AuthzProtocol.PATH, uriHeader + ": /status/1").status())
                .isEqualTo(protocol == AuthzProtocol.NGINX ? 200 : 400);
        assertThat(protocol.askRaw(raw, "GET", "/status/1").status()).isEqualTo(200);
    }

    /**
     * nginx's own documented auth_request configuration sends X-Original-URI only. Policies that name no method and
     * no host decide without them; a policy that names one, reached before any match, cannot, and the answer says
     * which header to add (logged once a minute per policy and header, not per request).
     */
    @Test
    void nginxsDocumentedConfigurationIsDecidedWhereNoPolicyNeedsTheMethodOrHost(CapturedOutput output) {
        RawHttpClient raw = new RawHttpClient(port);
        String reader = tokens.issue("alice", "orders:read");
        String admin = tokens.issue("carol", "admin");

        assertThat(raw.get(AuthzProtocol.PATH, "X-Original-URI: /status/1").status())
                .isEqualTo(200);
        RawHttpClient.Response needsMethod =
                raw.get(AuthzProtocol.PATH, "X-Original-URI: /orders/1", "Authorization: Bearer " + reader);
        RawHttpClient.Response needsHost =
                raw.get(AuthzProtocol.PATH, "X-Original-URI: /profile", "Authorization: Bearer " + admin);
        RawHttpClient.Response withTheMethod = raw.get(
                AuthzProtocol.PATH,
                "X-Original-URI: /orders/1",
                "X-Original-Method: GET",
                "Authorization: Bearer " + reader);
        RawHttpClient.Response againWithoutTheMethod =
                raw.get(AuthzProtocol.PATH, "X-Original-URI: /orders/2", "Authorization: Bearer " + reader);

        assertThat(needsMethod.status()).isEqualTo(400);
        assertThat(needsMethod.body())
                .contains("The authorization request lacks X-Original-Method, which policy 'orders-write' needs to"
                        + " decide: set it in the proxy's configuration.");
        assertThat(needsMethod.header("X-User-Id")).isNull();
        assertThat(needsHost.status()).isEqualTo(400);
        assertThat(needsHost.body()).contains("lacks X-Original-Host, which policy 'admin-host' needs");
        assertThat(withTheMethod.status()).isEqualTo(200);
        assertThat(withTheMethod.header("X-User-Id")).isEqualTo("alice");
        assertThat(againWithoutTheMethod.status()).isEqualTo(400);
        assertThat(output.getOut().lines().filter(line -> line.contains("lacks X-Original-Method")))
                .singleElement()
                .asString()
                .contains("WARN")
                .contains("(logged once a minute)");
        assertThat(upstream.requestCount()).isZero();
    }

    /**
     * Proxies pass the client's headers on to the endpoint: a client that adds another protocol's headers, naming a
     * public request, gets its request refused instead of judged by the wrong description.
     */
    @ParameterizedTest
    @EnumSource(AuthzProtocol.class)
    void anOriginalRequestNamedInTwoWaysIsRefused(AuthzProtocol protocol) {
        RawHttpClient raw = new RawHttpClient(port);
        List<List<String>> smuggledSets = List.of(
                List.of("X-Original-URI: /status/1", "X-Original-Method: GET", "X-Original-Host: " + API),
                List.of("X-Forwarded-Uri: /status/1", "X-Forwarded-Method: GET", "X-Forwarded-Host: " + API));
        for (List<String> smuggled : smuggledSets) {
            RawHttpClient.Response response = protocol.askRaw(raw, "GET", "/orders/1", smuggled.toArray(String[]::new));
            assertThat(response.status()).as("%s %s", protocol, smuggled).isEqualTo(400);
            assertThat(response.header("X-User-Id")).isNull();
        }
    }

    @Test
    void originalMethodOutsideTheFirewallsSetIsRefused() {
        RawHttpClient raw = new RawHttpClient(port);
        RawHttpClient.Response response = AuthzProtocol.NGINX.askRaw(raw, "TRACE", "/status/1");
        assertThat(response.status()).isEqualTo(501);
    }

    @Test
    void noRouteShadowsTheEndpointAndItIsNotOnTheManagementPort() {
        AuthzProtocol.NGINX
                .ask(client, "GET", API, "/orders/1", null)
                .expectStatus()
                .isUnauthorized();
        AuthzProtocol.ENVOY
                .ask(client, "GET", API, "/orders/1", null)
                .expectStatus()
                .isUnauthorized();
        assertThat(upstream.requestCount()).isZero();

        client.get().uri("/_tokengate/other").exchange().expectStatus().isOk();
        client.get().uri("/_tokengate/authzz").exchange().expectStatus().isOk();
        assertThat(upstream.requestCount()).isEqualTo(2);

        WebTestClient.ResponseSpec onManagement = management
                .get()
                .uri(AuthzProtocol.PATH)
                .header("X-Original-URI", "/status/1")
                .header("X-Original-Method", "GET")
                .header("X-Original-Host", API)
                .exchange();
        assertThat(onManagement.returnResult(Void.class).getStatus().value()).isNotEqualTo(200);
    }

    @Test
    void accessLogNamesThePolicyAndTheUser(CapturedOutput output) {
        String token = tokens.issue("alice", "orders:read");
        client.get()
                .uri(AuthzProtocol.PATH)
                .header("X-Original-Method", "GET")
                .header("X-Original-URI", "/orders/5")
                .header("X-Original-Host", API)
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", "req-authz-ok")
                .exchange()
                .expectStatus()
                .isOk();
        client.get()
                .uri(AuthzProtocol.PATH + "/status/1")
                .header("X-Request-Id", "req-authz-public")
                .exchange()
                .expectStatus()
                .isOk();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(output.getOut())
                        .contains("request_id=req-authz-ok method=GET path=/_tokengate/authz route=orders user=alice"
                                + " status=200")
                        .contains("request_id=req-authz-public method=GET path=/_tokengate/authz/status/1"
                                + " route=status user=- status=200"));
    }

    @Test
    void checksAreCountedUnderThePolicyId() {
        String token = tokens.issue("alice", "orders:read");
        AuthzProtocol.TRAEFIK
                .ask(client, "GET", API, "/orders/9", "Bearer " + token)
                .expectStatus()
                .isOk();
        AuthzProtocol.TRAEFIK
                .ask(client, "PUT", API, "/orders/9", "Bearer " + token)
                .expectStatus()
                .isForbidden();
        AuthzProtocol.TRAEFIK
                .ask(client, "GET", API, "/else", null)
                .expectStatus()
                .isUnauthorized();

        List<String> series = PrometheusScrape.series(management);
        assertThat(series)
                .anyMatch(line -> line.startsWith("tokengate_auth_requests_total{")
                        && line.contains("outcome=\"ok\"")
                        && line.contains("route=\"orders\"")
                        && !line.endsWith(" 0.0"))
                .anyMatch(line -> line.contains("outcome=\"forbidden\"")
                        && line.contains("route=\"orders-write\"")
                        && !line.endsWith(" 0.0"))
                .anyMatch(line -> line.contains("outcome=\"missing\"")
                        && line.contains("route=\"default\"")
                        && !line.endsWith(" 0.0"));
    }
}
