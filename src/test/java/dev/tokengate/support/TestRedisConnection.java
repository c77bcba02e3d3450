package dev.tokengate.support;

import dev.tokengate.redis.RedisAddress;
import dev.tokengate.redis.RedisStatus;
import dev.tokengate.redis.SharedRedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The gateway's shared Redis connection, opened outside Spring for tests of single components. */
public final class TestRedisConnection implements AutoCloseable {

    private final LettuceConnectionFactory connectionFactory;
    private final SharedRedisConnection shared;

    private TestRedisConnection(int port) {
        connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(TestRedis.HOST, port));
        connectionFactory.afterPropertiesSet();
        shared = new SharedRedisConnection(connectionFactory, new RedisStatus(RedisAddress.of(connectionFactory)));
        shared.start();
    }

    public static TestRedisConnection to(TestRedis redis) {
        return new TestRedisConnection(redis.port());
    }

    /** A connection to a port where nothing listens: it never opens. */
    public static TestRedisConnection toNowhere() {
        return new TestRedisConnection(FreePort.find());
    }

    public SharedRedisConnection shared() {
        return shared;
    }

    @Override
    public void close() {
        shared.stop();
        connectionFactory.destroy();
    }
}
