package dev.tokengate.problem;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class ProblemConfiguration {

    @Bean
    ProblemResponseWriter problemResponseWriter(JsonMapper jsonMapper) {
        return new ProblemResponseWriter(jsonMapper);
    }

    @Bean
    @Order(ProblemErrorWebExceptionHandler.ORDER)
    ProblemErrorWebExceptionHandler problemErrorWebExceptionHandler(ProblemResponseWriter problemResponseWriter) {
        return new ProblemErrorWebExceptionHandler(problemResponseWriter);
    }
}
