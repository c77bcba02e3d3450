package dev.tokengate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.GatewayIntegrationTest;
import dev.tokengate.support.PrometheusScrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard and the Prometheus alert rules under {@code deploy/observability} name only metrics a running
 * gateway exports on {@code /actuator/prometheus}: a renamed meter or a typo would leave a panel empty or an alert
 * silent, without any error.
 */
class ObservabilityKitTest extends GatewayIntegrationTest {

    private static final Path DIRECTORY = Path.of("deploy/observability");

    /** PromQL's words that are not metric names: functions, aggregations, operators, keywords. */
    private static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "avg",
            "min",
            "max",
            "count",
            "rate",
            "irate",
            "increase",
            "histogram_quantile",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "offset",
            "bool",
            "abs",
            "clamp_min",
            "clamp_max",
            "delta",
            "deriv",
            "label_values",
            "topk",
            "bottomk",
            "vector",
            "scalar",
            "time");

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SELECTOR = Pattern.compile("\\{[^}]*}");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\w+");
    private static final Pattern DURATION = Pattern.compile("\\b[0-9]+(ms|[smhdwy])\\b");
    /** Grafana's {@code label_values(metric, label)}: the metric only. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+)[^)]*\\)");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyMetricTheDashboardAndTheAlertsNameIsExported() throws IOException {
        makeEveryOutcomeExist();
        Set<String> exported = PrometheusScrape.series(management).stream()
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));

        Set<String> referenced = new TreeSet<>();
        dashboardExpressions().forEach(expression -> referenced.addAll(metricNames(expression)));
        alertExpressions().forEach(expression -> referenced.addAll(metricNames(expression)));

        assertThat(referenced)
                .contains(
                        "tokengate_auth_requests_total",
                        "spring_cloud_gateway_requests_seconds_count",
                        "tokengate_redis_lookups_seconds_bucket",
                        "tokengate_cache_lookups_total",
                        "tokengate_cache_tracking",
                        "tokengate_cache_invalidations_total");
        assertThat(exported).containsAll(referenced);
    }

    @Test
    void theAlertsCoverWhatOpsMustHearAbout() throws IOException {
        List<Map<String, Object>> rules = alertRules();

        assertThat(rules)
                .extracting(rule -> (String) rule.get("alert"))
                .contains(
                        "TokengateRedisUnavailable",
                        "TokengateNearCacheTrackingOff",
                        "TokengateUpstream5xxRatio",
                        "TokengateUnauthorizedSpike",
                        "TokengateGuardBlocking");
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule).containsKeys("expr", "for", "labels", "annotations");
            assertThat(((Map<?, ?>) rule.get("labels")).containsKey("severity")).isTrue();
            assertThat(((Map<?, ?>) rule.get("annotations")).containsKey("summary"))
                    .isTrue();
        });
    }

    @Test
    void theExpressionReaderFindsMetricNamesAndNothingElse() {
        assertThat(metricNames(
                        "sum by (instance) (rate(tokengate_auth_requests_total{outcome=~\"a|b\",instance=~\"$instance\"}[5m]))"
                                + " / on(instance) histogram_quantile(0.99, sum by (le) (rate(x_bucket[$__rate_interval])))"
                                + " > 3 * sum(rate(y_total[1h] offset 1h))"))
                .containsExactlyInAnyOrder("tokengate_auth_requests_total", "x_bucket", "y_total");
        assertThat(metricNames("label_values(tokengate_auth_requests_total, instance)"))
                .containsExactly("tokengate_auth_requests_total");
    }

    private void makeEveryOutcomeExist() {
        bearer("/orders/1", tokens.issue("alice", "orders:read")).expectStatus().isOk();
        bearer("/orders/1", "no-such-token").expectStatus().isUnauthorized();
        client.get().uri("/public/1").exchange().expectStatus().isOk();
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard =
                JsonMapper.builder().build().readTree(Files.readString(DIRECTORY.resolve("grafana-dashboard.json")));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asString());
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            if (variable.get("type").asString().equals("query")) {
                expressions.add(variable.get("query").asString());
            }
        }
        assertThat(expressions).isNotEmpty();
        return expressions;
    }

    private static List<String> alertExpressions() throws IOException {
        return alertRules().stream().map(rule -> (String) rule.get("expr")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertRules() throws IOException {
        Map<String, Object> file = new Yaml().load(Files.readString(DIRECTORY.resolve("alerts.yml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    static Set<String> metricNames(String expression) {
        String bare = LABEL_VALUES.matcher(expression).replaceAll("$1");
        bare = QUOTED.matcher(bare).replaceAll("");
        bare = SELECTOR.matcher(bare).replaceAll(" ");
        bare = GROUPING.matcher(bare).replaceAll(" ");
        bare = RANGE.matcher(bare).replaceAll(" ");
        bare = VARIABLE.matcher(bare).replaceAll(" ");
        bare = DURATION.matcher(bare).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(bare);
        while (matcher.find()) {
            String word = matcher.group();
            if (!PROMQL_WORDS.contains(word) && !Character.isDigit(word.charAt(0))) {
                names.add(word);
            }
        }
        return names;
    }
}
