package dev.tokengate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokengate.support.GatewayInstance;
import dev.tokengate.support.TestAdmin;
import dev.tokengate.support.TestRedis;
import dev.tokengate.support.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI description at {@code /admin/openapi.json} against the running API: every route the admin router has is
 * described, and every described operation answers every status it lists (and no other) with a body its schema
 * accepts. A new endpoint, status or field that the description lacks fails here.
 */
class AdminApiContractTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String USER = "contract";

    private static TestRedis redis;
    private static TestTokens tokens;
    private static GatewayInstance gateway;
    private static GatewayInstance rawTokens;
    private static JsonNode description;

    private final Set<String> answered = new TreeSet<>();

    @BeforeAll
    static void startGateways() throws Exception {
        redis = TestRedis.startNew();
        tokens = new TestTokens(redis);
        gateway = GatewayInstance.start(redis, TestAdmin.PROPERTY);
        rawTokens = GatewayInstance.start(redis, TestAdmin.PROPERTY, "tokengate.auth.token-hashing=none");
        description = JSON.readTree(new ClassPathResource(AdminApi.DESCRIPTION).getContentAsByteArray());
    }

    @AfterAll
    static void stopAll() {
        gateway.close();
        rawTokens.close();
        tokens.close();
        redis.stop();
    }

    @Test
    void theDescriptionIsServedBehindTheAdminCredentialAsOpenApi31() throws Exception {
        byte[] served = admin(gateway)
                .get()
                .uri("/admin/openapi.json")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        assertThat(JSON.readTree(served)).isEqualTo(description);
        assertThat(description.path("openapi").asString()).isEqualTo("3.1.0");
        TestAdmin.assertNeedsAdminCredential(gateway.management(), "/admin/openapi.json");
    }

    @Test
    void everyRouteOfTheAdminRouterIsDescribedAndNothingElse() {
        Set<String> routed = AdminRoutes.of(AdminApi.routes(
                new TokensHandler(null, null, null),
                new CertificatesHandler(null, null, null),
                new UsersHandler(null),
                new BlocksHandler(null),
                new AuditHandler(null),
                new byte[0]));
        assertThat(routed).isNotEmpty().isEqualTo(new TreeSet<>(operations()));
    }

    @Test
    void everyDescribedStatusIsAnsweredWithABodyItsSchemaAccepts() {
        String id = issued();
        String rotatable = issued();
        String ambiguous = ambiguousPrefix();
        tokens.redis().hset("auth:token:" + "c".repeat(64), "scopes", "a");
        String noUser = "c".repeat(64);
        String unknown = "e".repeat(64);
        String tooLong = "u".repeat(257);

        call(gateway, HttpMethod.POST, "/admin/tokens", "{\"user\":\"" + USER + "\"}", 201);
        call(gateway, HttpMethod.POST, "/admin/tokens", "{\"user\":\"\"}", 400);
        call(rawTokens, HttpMethod.POST, "/admin/tokens", "{\"user\":\"" + USER + "\"}", 409);
        form(gateway, "/admin/tokens/introspect", "token=" + TestTokens.newToken(), 200);
        form(gateway, "/admin/tokens/introspect", "other=1", 400);
        call(gateway, HttpMethod.GET, "/admin/tokens/unused?days=30", null, 200);
        call(gateway, HttpMethod.GET, "/admin/tokens/unused", null, 400);
        call(rawTokens, HttpMethod.GET, "/admin/tokens/unused?days=30", null, 409);
        call(gateway, HttpMethod.PATCH, "/admin/tokens/" + id, "{\"label\":\"contract\"}", 200);
        call(gateway, HttpMethod.PATCH, "/admin/tokens/" + id, "{\"role\":\"admin\"}", 400);
        call(gateway, HttpMethod.PATCH, "/admin/tokens/" + unknown, "{\"label\":\"x\"}", 404);
        call(gateway, HttpMethod.PATCH, "/admin/tokens/" + ambiguous, "{\"label\":\"x\"}", 409);
        call(gateway, HttpMethod.POST, "/admin/tokens/" + rotatable + "/rotate", "{\"grace\":\"PT1M\"}", 201);
        call(gateway, HttpMethod.POST, "/admin/tokens/" + id + "/rotate", "{\"grace\":\"soon\"}", 400);
        call(gateway, HttpMethod.POST, "/admin/tokens/" + unknown + "/rotate", null, 404);
        call(gateway, HttpMethod.POST, "/admin/tokens/" + noUser + "/rotate", null, 409);
        call(gateway, HttpMethod.DELETE, "/admin/tokens/" + id, null, 204);
        call(gateway, HttpMethod.DELETE, "/admin/tokens/not-hex", null, 400);
        call(gateway, HttpMethod.DELETE, "/admin/tokens/" + unknown, null, 404);
        call(gateway, HttpMethod.DELETE, "/admin/tokens/" + ambiguous, null, 409);
        String fingerprint = "ab".repeat(32);
        String registration = "{\"user\":\"" + USER + "\",\"fingerprint\":\"" + fingerprint + "\"}";
        call(gateway, HttpMethod.POST, "/admin/certificates", registration, 201);
        call(gateway, HttpMethod.POST, "/admin/certificates", "{\"user\":\"" + USER + "\"}", 400);
        call(rawTokens, HttpMethod.POST, "/admin/certificates", registration, 409);
        call(gateway, HttpMethod.POST, "/admin/tokens/" + fingerprint + "/rotate", null, 409);
        call(gateway, HttpMethod.DELETE, "/admin/certificates/" + fingerprint, null, 204);
        call(gateway, HttpMethod.DELETE, "/admin/certificates/not-hex", null, 400);
        call(gateway, HttpMethod.DELETE, "/admin/certificates/" + unknown, null, 404);
        call(gateway, HttpMethod.DELETE, "/admin/certificates/" + ambiguous, null, 409);
        call(gateway, HttpMethod.GET, "/admin/users/" + USER + "/tokens", null, 200);
        call(gateway, HttpMethod.GET, "/admin/users/" + tooLong + "/tokens", null, 400);
        call(gateway, HttpMethod.DELETE, "/admin/users/" + USER + "/tokens", null, 200);
        call(gateway, HttpMethod.DELETE, "/admin/users/" + tooLong + "/tokens", null, 400);
        call(gateway, HttpMethod.DELETE, "/admin/blocks/203.0.113.9", null, 204);
        call(gateway, HttpMethod.DELETE, "/admin/blocks/" + "1".repeat(65), null, 400);
        call(gateway, HttpMethod.GET, "/admin/audit?limit=5", null, 200);
        call(gateway, HttpMethod.GET, "/admin/audit?since=yesterday", null, 400);
        call(gateway, HttpMethod.GET, "/admin/openapi.json", null, 200);
        for (String operation : operations()) {
            unauthorized(operation);
        }

        redis.stop();
        try {
            call(gateway, HttpMethod.POST, "/admin/tokens", "{\"user\":\"" + USER + "\"}", 503);
            form(gateway, "/admin/tokens/introspect", "token=" + TestTokens.newToken(), 503);
            call(gateway, HttpMethod.GET, "/admin/tokens/unused?days=30", null, 503);
            call(gateway, HttpMethod.PATCH, "/admin/tokens/" + unknown, "{\"label\":\"x\"}", 503);
            call(gateway, HttpMethod.POST, "/admin/tokens/" + unknown + "/rotate", null, 503);
            call(gateway, HttpMethod.DELETE, "/admin/tokens/" + unknown, null, 503);
            call(
                    gateway,
                    HttpMethod.POST,
                    "/admin/certificates",
                    "{\"user\":\"" + USER + "\",\"fingerprint\":\"" + unknown + "\"}",
                    503);
            call(gateway, HttpMethod.DELETE, "/admin/certificates/" + unknown, null, 503);
            call(gateway, HttpMethod.GET, "/admin/users/" + USER + "/tokens", null, 503);
            call(gateway, HttpMethod.DELETE, "/admin/users/" + USER + "/tokens", null, 503);
            call(gateway, HttpMethod.DELETE, "/admin/blocks/203.0.113.9", null, 503);
            call(gateway, HttpMethod.GET, "/admin/audit", null, 503);
        } finally {
            redis.start();
        }

        assertThat(answered).isEqualTo(describedStatuses());
    }

    /** {@code "<METHOD> <path>"} of every described operation. */
    private static List<String> operations() {
        List<String> operations = new ArrayList<>();
        description
                .path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (!operation.getKey().equals("parameters")) {
                        operations.add(operation.getKey().toUpperCase() + " " + path.getKey());
                    }
                }));
        return operations;
    }

    private static Set<String> describedStatuses() {
        Set<String> statuses = new TreeSet<>();
        for (String operation : operations()) {
            operation(operation)
                    .path("responses")
                    .propertyNames()
                    .forEach(status -> statuses.add(operation + " " + status));
        }
        return statuses;
    }

    private void unauthorized(String operation) {
        String[] methodAndPath = operation.split(" ");
        String path = methodAndPath[1]
                .replace("{id}", "e".repeat(64))
                .replace("{user}", USER)
                .replace("{address}", "203.0.113.9");
        EntityExchangeResult<byte[]> result = gateway.management()
                .method(HttpMethod.valueOf(methodAndPath[0]))
                .uri(path)
                .exchange()
                .expectBody()
                .returnResult();
        check(operation, result, 401);
    }

    private void call(GatewayInstance instance, HttpMethod method, String path, String json, int status) {
        WebTestClient.RequestBodySpec request = admin(instance).method(method).uri(path);
        WebTestClient.RequestHeadersSpec<?> ready = json == null
                ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(json);
        check(
                method.name() + " " + template(path),
                ready.exchange().expectBody().returnResult(),
                status);
    }

    private void form(GatewayInstance instance, String path, String form, int status) {
        EntityExchangeResult<byte[]> result = admin(instance)
                .post()
                .uri(path)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(form)
                .exchange()
                .expectBody()
                .returnResult();
        check("POST " + path, result, status);
    }

    /** The answer has the expected status, the description lists it, and its body fits the described schema. */
    private void check(String operation, EntityExchangeResult<byte[]> result, int status) {
        assertThat(result.getStatus().value()).as("%s answered", operation).isEqualTo(status);
        JsonNode described = operation(operation).path("responses").path(Integer.toString(status));
        assertThat(described.isMissingNode())
                .as("%s %d is described", operation, status)
                .isFalse();
        described = resolve(described);
        answered.add(operation + " " + status);
        byte[] body = result.getResponseBody();
        if (!described.has("content")) {
            assertThat(body).as("%s %d has no body", operation, status).isNullOrEmpty();
            return;
        }
        Map.Entry<String, JsonNode> content =
                described.path("content").properties().iterator().next();
        assertThat(result.getResponseHeaders().getContentType())
                .as("%s %d content type", operation, status)
                .isNotNull()
                .matches(type -> type.isCompatibleWith(MediaType.parseMediaType(content.getKey())));
        for (Map.Entry<String, JsonNode> header : described.path("headers").properties()) {
            assertThat(result.getResponseHeaders().getFirst(header.getKey()))
                    .as("%s %d header %s", operation, status, header.getKey())
                    .isNotNull();
        }
        List<Error> errors = schemaOf(content.getValue().path("schema")).validate(JSON.readTree(body));
        assertThat(errors)
                .as("%s %d body %s", operation, status, new String(body, StandardCharsets.UTF_8))
                .isEmpty();
    }

    /** A schema of the description, with its components beside it so that its {@code $ref}s resolve. */
    private static com.networknt.schema.Schema schemaOf(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.setAll((ObjectNode) schema.deepCopy());
        root.set("components", description.path("components"));
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(root);
    }

    private static JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        JsonNode target = description;
        for (String part : node.path("$ref").asString().substring(2).split("/")) {
            target = target.path(part);
        }
        return target;
    }

    private static JsonNode operation(String operation) {
        String[] methodAndPath = operation.split(" ");
        return description.path("paths").path(methodAndPath[1]).path(methodAndPath[0].toLowerCase());
    }

    /** The described path a concrete one matches: {@code /admin/tokens/abc/rotate} is {@code /admin/tokens/{id}/rotate}. */
    private static String template(String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Iterator<String> paths = description.path("paths").propertyNames().iterator();
        while (paths.hasNext()) {
            String candidate = paths.next();
            if (bare.matches(candidate.replaceAll("\\{[a-z]+}", "[^/]+"))
                    && !(candidate.contains("{") && description.path("paths").has(bare))) {
                return candidate;
            }
        }
        throw new AssertionError("No described path matches " + path);
    }

    private static String issued() {
        return (String) TestAdmin.issue(gateway.management(), "{\"user\":\"" + USER + "\"}")
                .get("hash");
    }

    /** Twelve digits that start two stored tokens' ids. */
    private static String ambiguousPrefix() {
        String prefix = "d"
                + TestTokens.newToken()
                        .chars()
                        .limit(11)
                        .mapToObj(c -> "0123456789abcdef".charAt(c % 16))
                        .map(String::valueOf)
                        .reduce("", String::concat);
        tokens.store("auth:token:" + prefix + "0".repeat(52), USER, "");
        tokens.store("auth:token:" + prefix + "1".repeat(52), USER, "");
        return prefix;
    }

    private static WebTestClient admin(GatewayInstance instance) {
        return TestAdmin.client(instance.management());
    }
}
