package dev.tokengate.route;

import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A route change refused because the route would not load: a 400 naming every problem. */
public class InvalidRouteException extends ResponseStatusException {

    public InvalidRouteException(String routeId, List<String> problems) {
        super(HttpStatus.BAD_REQUEST, "Route '" + routeId + "' is not valid: " + String.join("; ", problems) + ".");
    }
}
