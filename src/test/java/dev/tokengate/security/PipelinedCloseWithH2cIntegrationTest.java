package dev.tokengate.security;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The same pipelined requests on a port that also serves h2c: there each HTTP/1.1 connection starts behind Netty's
 * h2c detection and upgrade handlers, whose codec has no name Reactor Netty gives it, and may still upgrade later.
 */
@TestPropertySource(properties = "server.http2.enabled=true")
@DirtiesContext // a context no other test shares: closed after, not kept running beside the next tests
class PipelinedCloseWithH2cIntegrationTest extends PipelinedCloseIntegrationTest {}
