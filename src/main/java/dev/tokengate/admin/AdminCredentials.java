package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import reactor.core.publisher.Mono;

/**
 * The admin credential: the bearer token whose sha256 is {@code tokengate.admin.token-sha256}. Hashes are compared in
 * constant time, so timing tells an attacker nothing.
 */
final class AdminCredentials implements ReactiveAuthenticationManager {

    static final String ADMIN = "admin";

    private final AdminProperties properties;

    AdminCredentials(AdminProperties properties) {
        this.properties = properties;
    }

    /** Without a configured credential, the management port shows nothing but health and metrics. */
    boolean isConfigured() {
        return properties.isEnabled();
    }

    /** @param presented an {@link AdminTokenConverter} result, whose credentials are the presented token */
    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        if (!isConfigured() || !(presented.getCredentials() instanceof String token) || !matches(token)) {
            return Mono.error(new BadCredentialsException("Not the admin credential"));
        }
        return Mono.just(UsernamePasswordAuthenticationToken.authenticated(
                ADMIN, null, AuthorityUtils.createAuthorityList(List.of("ROLE_" + ADMIN))));
    }

    private boolean matches(String token) {
        return MessageDigest.isEqual(
                TokenHashing.sha256Hex(token).getBytes(StandardCharsets.US_ASCII),
                properties.tokenSha256().getBytes(StandardCharsets.US_ASCII));
    }
}
