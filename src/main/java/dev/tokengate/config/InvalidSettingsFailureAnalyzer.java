package dev.tokengate.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring Boot's "APPLICATION FAILED TO START" report for {@link InvalidSettingsException}: one line per mistake. */
class InvalidSettingsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingsException cause) {
        return new FailureAnalysis(
                String.join(System.lineSeparator(), cause.mistakes()),
                "Correct or remove these settings. Nothing else is wrong until they are fixed: the gateway checks"
                        + " its settings before it starts anything.",
                cause);
    }
}
