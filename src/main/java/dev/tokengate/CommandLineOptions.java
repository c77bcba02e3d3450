package dev.tokengate;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import org.springframework.boot.SpringBootVersion;
import org.springframework.cloud.gateway.config.GatewayAutoConfiguration;
import org.springframework.core.SpringVersion;

/**
 * What the jar answers without starting anything: {@code --help} and {@code --version}, as command-line tools do.
 * Every other argument is a setting for Spring Boot.
 */
final class CommandLineOptions {

    static final String BUILD_INFO = "META-INF/build-info.properties";

    private CommandLineOptions() {}

    /** Prints the answer to {@code --help} or {@code --version} and returns true; false for anything else. */
    static boolean answered(String[] args, PrintStream out) {
        List<String> given = List.of(args);
        if (given.contains("--help") || given.contains("-h")) {
            out.print(help());
            return true;
        }
        if (given.contains("--version")) {
            out.print(version());
            return true;
        }
        return false;
    }

    static String version() {
        return "tokengate " + buildVersion() + System.lineSeparator()
                + "Spring Boot " + SpringBootVersion.getVersion() + ", Spring Cloud Gateway "
                + GatewayAutoConfiguration.class.getPackage().getImplementationVersion() + ", Spring Framework "
                + SpringVersion.getVersion() + ", Java " + Runtime.version() + System.lineSeparator();
    }

    private static String help() {
        return """
                tokengate %s: an API gateway that checks every request's token against Redis

                Usage: java -jar tokengate.jar [--name=value ...]

                Every setting can be given as --name=value, in application.yml, or as an environment variable
                (TOKENGATE_AUTH_REDIS_TIMEOUT for tokengate.auth.redis-timeout). For example:
                  --spring.data.redis.host=redis --spring.data.redis.port=6379
                  --tokengate.auth.redis-timeout=250ms --tokengate.admin.token-sha256=<sha256 of the admin token>
                docs/configuration.md lists every setting; an unknown tokengate.* setting stops startup.

                Ports: 8080 for traffic (server.port), 8081 for health, metrics and the admin API
                (management.server.port).

                  --help      print this and exit
                  --version   print the versions and exit
                """.formatted(buildVersion());
    }

    private static String buildVersion() {
        try (InputStream info = CommandLineOptions.class.getClassLoader().getResourceAsStream(BUILD_INFO)) {
            if (info == null) {
                return "(development build)";
            }
            Properties properties = new Properties();
            properties.load(info);
            return properties.getProperty("build.version", "(unknown version)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
