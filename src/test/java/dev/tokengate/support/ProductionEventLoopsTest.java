package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.ClientResources;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.client.HttpClient;

/**
 * The integration tests only prove what production does if their gateway runs its parts on threads the way
 * production does: the server, the upstream client and Redis on one group of event loops, the {@link
 * ReactorResourceFactory}'s. (Spring Boot gives each test context loops of its own instead of Reactor Netty's global
 * ones; Redis on the global loops then ran apart from HTTP in every test, which hid issue 27.)
 */
class ProductionEventLoopsTest extends GatewayIntegrationTest {

    @Autowired
    private ReactorResourceFactory resources;

    @Autowired
    private HttpClient upstreamClient;

    @Autowired
    private ClientResources redisResources;

    @Test
    void theServerTheUpstreamClientAndRedisShareOneGroupOfEventLoops() {
        EventLoopGroup serverLoops = resources.getLoopResources().onServer(true);

        assertThat(upstreamClient.configuration().loopResources()).isSameAs(resources.getLoopResources());
        assertThat((Object) redisResources.eventLoopGroupProvider().allocate(EventLoopGroup.class))
                .isSameAs(serverLoops);
    }
}
