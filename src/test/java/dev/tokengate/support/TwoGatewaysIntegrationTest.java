package dev.tokengate.support;

import static org.awaitility.Awaitility.await;

import dev.tokengate.cache.InvalidationTracker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two gateways on one Redis, each with its own near cache: this test's application context, and a {@link #second}
 * instance (with the admin credential) started once for the class. Each test starts once both confirm that Redis
 * tracks their token keys, so that every change reaches both.
 */
public abstract class TwoGatewaysIntegrationTest extends GatewayIntegrationTest {

    protected static GatewayInstance second;

    @Autowired
    private InvalidationTracker tracker;

    @BeforeAll
    static void startSecondInstance() {
        second = GatewayInstance.start(redis, TestAdmin.PROPERTY);
    }

    @AfterAll
    static void stopSecondInstance() {
        second.close();
    }

    @BeforeEach
    void trackingConfirmedOnBoth() {
        await().atMost(Duration.ofSeconds(10)).until(tracker::isTracking);
        await().atMost(Duration.ofSeconds(10)).until(second.bean(InvalidationTracker.class)::isTracking);
    }
}
