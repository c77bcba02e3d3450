package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;

/**
 * The integration tests only prove what production does if their gateway runs on threads the way production does:
 * the server and the upstream client on one group of event loops, the {@link ReactorResourceFactory}'s (Reactor
 * Netty's global loops in production; Spring Boot gives each test context loops of its own), so that a request and
 * its upstream connection can live on one loop.
 */
class ProductionEventLoopsTest extends GatewayIntegrationTest {

    @Autowired
    private ReactorResourceFactory resources;

    @Autowired
    private HttpClient upstreamClient;

    @Test
    void theServerAndTheUpstreamClientShareOneGroupOfEventLoops() {
        assertThat(upstreamClient.configuration().loopResources()).isSameAs(resources.getLoopResources());
    }
}
