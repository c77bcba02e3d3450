package dev.tokengate.admin;

import dev.tokengate.token.TokenHashing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import reactor.core.publisher.Mono;

/**
 * The admin credentials: bearer tokens whose sha256 is {@code tokengate.admin.token-sha256} or one of {@code
 * credentials}. The presented token's hash is compared with every configured one in constant time, so timing tells an
 * attacker nothing, not even which credential came close. The authentication's name is the credential's.
 */
final class AdminCredentials implements ReactiveAuthenticationManager {

    static final String ADMIN = "admin";

    /** Each credential's sha256 by its name. */
    private final Map<String, String> credentials;

    AdminCredentials(AdminProperties properties) {
        this.credentials = properties.allCredentials();
    }

    /** Without a configured credential, the management port shows nothing but health and metrics. */
    boolean isConfigured() {
        return !credentials.isEmpty();
    }

    /** @param presented an {@link AdminTokenConverter} result, whose credentials are the presented token */
    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        String name = presented.getCredentials() instanceof String token ? nameOf(token) : null;
        if (name == null) {
            return Mono.error(new BadCredentialsException("Not an admin credential"));
        }
        return Mono.just(UsernamePasswordAuthenticationToken.authenticated(
                name, null, AuthorityUtils.createAuthorityList(List.of("ROLE_" + ADMIN))));
    }

    /** The name of the credential this token is, or null; every configured hash is compared, whatever matched. */
    private String nameOf(String token) {
        byte[] presented = TokenHashing.sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
        String matched = null;
        for (Map.Entry<String, String> credential : credentials.entrySet()) {
            if (MessageDigest.isEqual(presented, credential.getValue().getBytes(StandardCharsets.US_ASCII))) {
                matched = credential.getKey();
            }
        }
        return matched;
    }
}
