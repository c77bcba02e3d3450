package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.RepeatedTest;

class FreePortTest {

    /** A cluster node on a port above 55535 fails to start ("Redis port number too high"), one CI run in several. */
    @RepeatedTest(20)
    void aClusterNodePortLeavesRoomForItsBusPortBelowTheEphemeralRange() {
        int port = FreePort.forClusterNode();

        assertThat(port + FreePort.CLUSTER_BUS_OFFSET).isLessThan(32768);
        assertThat(FreePort.isFree(port)).isTrue();
        assertThat(FreePort.isFree(port + FreePort.CLUSTER_BUS_OFFSET)).isTrue();
    }
}
