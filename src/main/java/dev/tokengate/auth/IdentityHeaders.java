package dev.tokengate.auth;

import dev.tokengate.http.HttpTokens;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * The headers upstreams trust as the caller's identity. Only the gateway may set them, so any a client sends is
 * removed, also under spellings that backends fold into the same name: header names are case-insensitive, and CGI,
 * WSGI and Rack servers turn {@code X_User_Id} into the same variable as {@code X-User-Id}.
 */
final class IdentityHeaders {

    private final String userHeader;
    private final String scopesHeader;

    IdentityHeaders(String userHeader, String scopesHeader) {
        this.userHeader = userHeader;
        this.scopesHeader = scopesHeader;
    }

    boolean presentIn(HttpHeaders headers) {
        for (String name : headers.headerNames()) {
            if (isIdentityHeader(name)) {
                return true;
            }
        }
        return false;
    }

    void removeFrom(HttpHeaders headers) {
        List<String> found = new ArrayList<>(2);
        for (String name : headers.headerNames()) {
            if (isIdentityHeader(name)) {
                found.add(name);
            }
        }
        found.forEach(headers::remove);
    }

    private boolean isIdentityHeader(String name) {
        return HttpTokens.sameHeaderForABackend(name, userHeader)
                || HttpTokens.sameHeaderForABackend(name, scopesHeader);
    }
}
