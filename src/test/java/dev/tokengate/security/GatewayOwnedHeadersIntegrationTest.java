package dev.tokengate.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.RawHttpClient;
import dev.tokengate.support.RecordingUpstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The headers the gateway sets reach the upstream exactly as it set them, once, whatever the client sends: no {@code
 * Connection} nomination removes them, and no duplicate or look-alike spelling travels next to them. Raw sockets,
 * since HTTP clients merge or refuse such headers; every assertion is on what the upstream received.
 */
class GatewayOwnedHeadersIntegrationTest extends GatewayIntegrationTest {

    private static final List<String> OWNED =
            List.of("X-User-Id", "X-User-Scopes", "X-Request-Id", "X-Real-IP", "X-Forwarded-For");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-User-Id",
                "X-User-Scopes",
                "X-Request-Id",
                "x-user-id, x-user-scopes, x-request-id, x-real-ip, x-forwarded-for",
                "keep-alive, X-User-Id"
            })
    void aConnectionNominationCannotRemoveWhatTheGatewaySet(String nominated) {
        String token = tokens.issue("alice", "orders:read");

        RawHttpClient.Response response =
                raw().get("/orders/1", "Authorization: Bearer " + token, "Connection: " + nominated);

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-User-Id")).isEqualTo("alice");
        assertThat(received.header("X-User-Scopes")).isEqualTo("orders:read");
        assertThat(received.header("X-Request-Id")).isEqualTo(response.header("X-Request-Id"));
        assertThat(received.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    /**
     * Route filters run before the gateway writes the identity headers: a client's spoofed {@code X-User-Id} is gone
     * before any filter can copy it, and of the {@code Authorization} values only the client's token is withheld.
     */
    @Test
    void routeFiltersSeeNoClientIdentityAndKeepTheirOwnCredentialForTheUpstream() {
        String token = tokens.issue("alice", "orders:read");

        RawHttpClient.Response response =
                raw().get("/mapped/1", "Authorization: Bearer " + token, "X-User-Id: admin", "X_User_Id: admin");

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-Mapped-User")).isNull();
        assertThat(received.header("X-User-Id")).isEqualTo("alice");
        assertThat(received.header("Authorization")).isEqualTo("Basic dXBzdHJlYW06c2VjcmV0");
    }

    @Test
    void twoRequestIdsAreBothReplacedByOneNewId() {
        RawHttpClient.Response response = raw().get("/public/1", "X-Request-Id: first-id", "X-Request-Id: second-id");

        String sent = upstream.lastRequest().header("X-Request-Id");
        assertThat(sent).matches("[0-9a-f]{32}").isEqualTo(response.header("X-Request-Id"));
    }

    @Test
    void oneWellFormedRequestIdIsKept() {
        raw().get("/public/1", "X-Request-Id: 4bf92f35-77b3-4da6");

        assertThat(upstream.lastRequest().header("X-Request-Id")).isEqualTo("4bf92f35-77b3-4da6");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"X_Request_Id", "x_request_id", "X-REQUEST_ID", "X_Real_IP", "X_Forwarded_For", "X_User_Id"})
    void lookAlikeSpellingsOfGatewayHeadersAreRemoved(String lookAlike) {
        String token = tokens.issue("alice", "orders:read");

        raw().get("/orders/1", "Authorization: Bearer " + token, lookAlike + ": forged");

        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.headers().keySet())
                .filteredOn(name -> OWNED.stream().anyMatch(owned -> sameForABackend(name, owned)))
                .containsExactlyInAnyOrderElementsOf(OWNED);
        assertThat(received.headers().values()).doesNotContain("forged");
    }

    /**
     * Netty adds {@code x-http2-scheme} and {@code x-http2-stream-id} to a request that came as an HTTP/2 stream; a
     * client on HTTP/1.1 can send them too, and a backend would trust them as the gateway's.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "x-http2-scheme: gopher",
                "x-http2-stream-id: 99",
                "X-HTTP2-Path: /admin",
                "x_http2_stream_id: 98",
                "X-Http2-Stream-Dependency-Id: 7"
            })
    void nettysHttp2ConversionHeadersFromAClientNeverReachTheUpstream(String header) {
        String token = tokens.issue("alice", "orders:read");

        RawHttpClient.Response response = raw().get("/orders/1", "Authorization: Bearer " + token, header);

        assertThat(response.status()).isEqualTo(200);
        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-User-Id")).isEqualTo("alice");
        assertThat(received.headersNamedLike("x-http2-")).isEmpty();
    }

    @Test
    void clientSentAddressHeadersAreReplacedByTheConnectionsPeer() {
        raw().get("/public/1", "X-Real-IP: 6.6.6.6", "X-Forwarded-For: 6.6.6.6", "Forwarded: for=6.6.6.6");

        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.header("X-Real-IP")).isEqualTo("127.0.0.1");
        assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(received.hasHeader("Forwarded")).isFalse();
    }

    /**
     * Spring Cloud Gateway removes a client's {@code X-Forwarded-*} and {@code Forwarded}, but only under their
     * hyphenated names; CGI, WSGI and Rack backends read {@code X_Forwarded_Host} as {@code HTTP_X_FORWARDED_HOST}, the
     * host their password-reset links point to.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "X_Forwarded_Host: evil.example",
                "x_forwarded_proto: evil",
                "X_FORWARDED_PORT: 6666",
                "X_Forwarded_Prefix: /evil",
                "X-Forwarded_Server: evil.example",
                "x-FORWARDED-host: evil.example",
                "X-Forwarded-Proto: evil",
                "Forwarded: host=evil.example;proto=evil",
                "FORWARDED: for=6.6.6.6",
                "X_Real_IP: 6.6.6.6",
                "X_Real_Ip_Chain: 6.6.6.6"
            })
    void noSpellingOfAForwardingHeaderReachesTheUpstream(String header) {
        String token = tokens.issue("alice", "orders:read");
        String name = header.substring(0, header.indexOf(':'));

        for (List<String> lines : List.of(
                List.of(header),
                List.of(header, "Connection: " + name),
                List.of(header, header.replace("evil", "second"), "Connection: keep-alive, " + name))) {
            upstream.clear();
            List<String> headerLines = new ArrayList<>(lines);
            headerLines.add("Authorization: Bearer " + token);

            RawHttpClient.Response response = raw().get("/orders/1", headerLines.toArray(String[]::new));

            assertThat(response.status()).as("%s", lines).isEqualTo(200);
            RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
            assertThat(received.headers().keySet())
                    .as("%s", lines)
                    .filteredOn(GatewayOwnedHeadersIntegrationTest::isForwarding)
                    .containsExactlyInAnyOrder("X-Real-IP", "X-Forwarded-For");
            assertThat(received.header("X-Real-IP")).isEqualTo("127.0.0.1");
            assertThat(received.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(String.join(" ", received.headers().values()))
                    .as("%s", lines)
                    .doesNotContain("evil", "second", "6.6.6.6", "6666");
        }
    }

    @Test
    void identityHeadersOnAPublicRouteNeverReachTheUpstream() {
        raw().get("/public/1", "X-User-Id: admin", "X_User_Scopes: all", "Connection: X-Request-Id");

        RecordingUpstream.ReceivedRequest received = upstream.lastRequest();
        assertThat(received.headers().keySet())
                .noneMatch(name -> sameForABackend(name, "X-User-Id") || sameForABackend(name, "X-User-Scopes"));
        assertThat(received.header("X-Request-Id")).matches("[0-9a-f]{32}");
    }

    private RawHttpClient raw() {
        return new RawHttpClient(port);
    }

    private static boolean isForwarding(String name) {
        String folded = name.replace('_', '-').toLowerCase(Locale.ROOT);
        return folded.equals("forwarded") || folded.startsWith("x-forwarded-") || folded.startsWith("x-real-ip");
    }

    private static boolean sameForABackend(String name, String header) {
        return name.replace('_', '-').equalsIgnoreCase(header);
    }
}
