package dev.tokengate.config;

import java.util.List;

/** Settings the gateway refuses to start with, each described in one line. */
public class InvalidSettingsException extends RuntimeException {

    private final List<String> mistakes;

    public InvalidSettingsException(List<String> mistakes) {
        super(String.join(" ", mistakes));
        this.mistakes = mistakes;
    }

    public List<String> mistakes() {
        return mistakes;
    }
}
