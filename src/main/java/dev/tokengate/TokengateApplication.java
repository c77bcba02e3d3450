package dev.tokengate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TokengateApplication {

    public static void main(String[] args) {
        SpringApplication.run(TokengateApplication.class, args);
    }
}
