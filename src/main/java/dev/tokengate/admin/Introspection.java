package dev.tokengate.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tokengate.token.StoredToken;
import java.time.Instant;
import java.util.Optional;

/**
 * The answer to {@code POST /admin/tokens/introspect}, as RFC 7662 section 2.2 has it: only {@code active} for a token
 * that is not. {@code last_used}, an extension, is a NumericDate like {@code exp}, absent when no use is recorded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Introspection(
        boolean active,
        String sub,
        String scope,
        @JsonProperty("token_type") String tokenType,
        Long exp,
        @JsonProperty("last_used") Long lastUsed) {

    static Introspection of(StoredToken stored, Optional<Instant> lastUsed) {
        if (!stored.isValid()) {
            return new Introspection(false, null, null, null, null, null);
        }
        Long exp = stored.ttlMillis() >= 0
                ? Instant.now().plusMillis(stored.ttlMillis()).getEpochSecond()
                : null;
        return new Introspection(
                true,
                stored.token().user(),
                stored.token().scopes(),
                "Bearer",
                exp,
                lastUsed.map(Instant::getEpochSecond).orElse(null));
    }

    /** The body of a JSON introspection request; a form's {@code token} field otherwise. */
    record Request(String token) {}
}
