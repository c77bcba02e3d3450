package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.TokengateApplication;
import dev.tokengate.clientaddress.ClientAddressProperties;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Settings the gateway would silently ignore stop it at startup, before anything is started, with one line naming
 * the setting and where it came from. These runs need no Redis: they never get that far.
 */
@ExtendWith(OutputCaptureExtension.class)
class SettingsCheckTest {

    @Test
    void aMisspeltSettingStopsStartupNamingItWhereItCameFromAndTheNearestRealOne(CapturedOutput output) {
        assertThatThrownBy(() -> start("--tokengate.auth.redis-timout=250ms"))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage("Unknown setting 'tokengate.auth.redis-timout' (from \"tokengate.auth.redis-timout\" from"
                        + " property source \"commandLineArgs\"): did you mean 'tokengate.auth.redis-timeout'?");
        assertThat(output.getOut()).contains("APPLICATION FAILED TO START").contains("tokengate.auth.redis-timout");
    }

    @Test
    void everyMisspeltSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> start(
                        "--tokengate.auth.failed-attempts-per-minuet=5",
                        "--tokengate.cache.tll=1m",
                        "--tokengate.nope=1"))
                .isInstanceOfSatisfying(
                        InvalidSettingsException.class,
                        failure -> assertThat(failure.mistakes())
                                .hasSize(3)
                                .anySatisfy(line -> assertThat(line)
                                        .contains("'tokengate.auth.failed-attempts-per-minuet'")
                                        .contains("did you mean 'tokengate.auth.failed-attempts-per-minute'?"))
                                .anySatisfy(line -> assertThat(line)
                                        .contains("'tokengate.cache.tll'")
                                        .contains("'tokengate.cache.ttl'"))
                                .anySatisfy(line -> assertThat(line)
                                        .contains("'tokengate.nope'")
                                        .contains("docs/configuration.md lists them all")));
    }

    /** Both spellings Spring Boot binds pass; a misspelt variable is named as it was set. */
    @Test
    void environmentVariablesAreCheckedAsSpringBootBindsThem() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of(
                                "TOKENGATE_AUTH_REDISTIMEOUT", "1s",
                                "TOKENGATE_AUTH_REDIS_TIMEOUT", "1s",
                                "TOKENGATE_ADMIN_TOKEN_SHA256", "as deploy/ and docker-compose.yml set it",
                                "TOKENGATE_ADMIN_CREDENTIALS_0_NAME", "as the README names them",
                                "TOKENGATE_ADMIN_CREDENTIALS_0_TOKENSHA256", "x",
                                "TOKENGATE_AUTH_REDIS_TIMOUT", "1s")));

        assertThatThrownBy(() ->
                        new SettingsCheck(Supplier::get).postProcessEnvironment(environment, new SpringApplication()))
                .isInstanceOfSatisfying(
                        InvalidSettingsException.class,
                        failure -> assertThat(failure.mistakes())
                                .singleElement()
                                .asString()
                                .contains("TOKENGATE_AUTH_REDIS_TIMOUT")
                                .contains("did you mean 'tokengate.auth.redis-timeout'?"));
    }

    /**
     * A renamed setting keeps working, and start-up says once what it is called now, however it was spelt. The
     * renames come from the deprecations in the configuration metadata, which IDEs show too.
     */
    @Test
    void aRenamedSettingStillWorksWithAWarningNamingItsNewName(CapturedOutput output) {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("TOKENGATE_AUTHZ_TRUSTED_PROXIES", "10.0.0.0/8")));
        environment
                .getPropertySources()
                .addFirst(new org.springframework.core.env.MapPropertySource(
                        "file", Map.of("tokengate.auth.trusted-proxies", "1")));

        new SettingsCheck(Supplier::get).postProcessEnvironment(environment, new SpringApplication());

        assertThat(output.getOut())
                .contains("The setting 'tokengate.auth.trusted-proxies' (from \"tokengate.auth.trusted-proxies\" from"
                        + " property source \"file\") is now named"
                        + " 'tokengate.auth.trusted-proxy-count': it still works, but set"
                        + " 'tokengate.auth.trusted-proxy-count' instead.")
                .contains("The setting 'tokengate.authz.trusted-proxies'")
                .contains("is now named 'tokengate.authz.trusted-proxy-ranges'");
        assertThat(SettingsCheck.renamedKeys())
                .containsOnly(
                        Map.entry("tokengate.auth.trusted-proxies", "tokengate.auth.trusted-proxy-count"),
                        Map.entry("tokengate.authz.trusted-proxies", "tokengate.authz.trusted-proxy-ranges"));
    }

    @Test
    void aRenamedSettingStillSetsTheGatewayAndIsNamedInTheStartupLog(CapturedOutput output) {
        SpringApplication application = new SpringApplication(OnlyClientAddresses.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        ClientAddressProperties properties;
        try (ConfigurableApplicationContext context = application.run("--tokengate.auth.trusted-proxies=3")) {
            properties = context.getBean(ClientAddressProperties.class);
        }
        assertThat(properties.trustedProxyCount()).isEqualTo(3);
        assertThat(output.getOut()).contains("WARN").contains("is now named 'tokengate.auth.trusted-proxy-count'");
    }

    @Test
    void routesUnderTheLegacyPrefixStopStartupInsteadOfAnsweringEverything404() {
        assertThatThrownBy(() -> start(
                        "--spring.cloud.gateway.routes[0].id=orders",
                        "--spring.cloud.gateway.routes[0].uri=http://localhost:9"))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("legacy prefix 'spring.cloud.gateway.routes'")
                .hasMessageContaining("move them to 'spring.cloud.gateway.server.webflux.routes'");
    }

    @Test
    void listsIndexesAndEveryRealSettingPass() {
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> every = new java.util.HashMap<>();
        SettingsCheck.knownKeys().forEach(key -> every.put(key, "x"));
        every.put("tokengate.auth.schemes[1]", "Token");
        every.put("tokengate.admin.credentials[1].name", "bob");
        every.put("tokengate.admin.credentials[1].token-sha256", "x");
        every.put("tokengate.authz.policies[2].paths[1]", "/x");
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("all", every));

        new SettingsCheck(Supplier::get).postProcessEnvironment(environment, new SpringApplication());

        assertThat(SettingsCheck.knownKeys())
                .contains(
                        "tokengate.auth.redis-timeout",
                        "tokengate.cache.ttl",
                        "tokengate.admin.credentials.name",
                        "tokengate.admin.credentials.token-sha256",
                        "tokengate.authz.trusted-proxies",
                        "tokengate.authz.trusted-proxy-ranges",
                        "tokengate.auth.trusted-proxy-count",
                        "tokengate.authz.policies.hosts",
                        "tokengate.authz.policies.paths",
                        "tokengate.authz.policies.methods",
                        "tokengate.authz.policies.scopes");
    }

    /** A value of the wrong type is Spring Boot's to refuse; its report names the setting and the value. */
    @Test
    void aValueOfTheWrongTypeStopsStartupNamingTheSetting(CapturedOutput output) {
        assertThatThrownBy(() -> start("--tokengate.auth.redis-timeout=abc"))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(output.getOut())
                .contains("APPLICATION FAILED TO START")
                .contains("Failed to bind properties under 'tokengate.auth.redis-timeout'")
                .contains("'abc' is not a valid duration");
    }

    @Test
    void distanceCountsSingleCharacterEdits() {
        assertThat(NearestName.distance("redis-timout", "redis-timeout")).isEqualTo(1);
        assertThat(NearestName.distance("minuet", "minute")).isEqualTo(2);
        assertThat(NearestName.distance("", "abc")).isEqualTo(3);
        assertThat(NearestName.distance("same", "same")).isZero();
    }

    @EnableConfigurationProperties(ClientAddressProperties.class)
    static class OnlyClientAddresses {}

    private static void start(String... args) {
        SpringApplication application = new SpringApplication(TokengateApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setAdditionalProfiles("test");
        application.run(args).close();
    }
}
