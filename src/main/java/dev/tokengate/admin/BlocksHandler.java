package dev.tokengate.admin;

import dev.tokengate.guard.BlockLifts;
import dev.tokengate.http.HttpTokens;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code /admin/blocks/{address}}: the brute-force guard's blocks on client addresses. */
record BlocksHandler(BlockLifts blockLifts) {

    /** The longest IPv6 text form, with a zone id to spare. */
    static final int MAX_ADDRESS_LENGTH = 64;

    /** Lifts the block on a client address, on every instance: 204 whether or not it was blocked. */
    Mono<ServerResponse> lift(ServerRequest request) {
        String address = request.pathVariable("address");
        if (address.length() > MAX_ADDRESS_LENGTH || !HttpTokens.isVisibleAscii(address)) {
            return Mono.error(AdminAnswers.badRequest("Invalid client address."));
        }
        return blockLifts.lift(address).then(ServerResponse.noContent().build());
    }
}
