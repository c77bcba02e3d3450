package dev.tokengate.cache;

/**
 * Told what the near cache learns from Redis, after the cache has acted on it. Called on the tracking connection's
 * thread: an implementation must not block.
 */
public interface InvalidationListener {

    /** The token or certificate under {@code redisKey} changed or went away: deleted, expired or rewritten. */
    void invalidated(String redisKey);

    /** Any token may have changed unannounced: Redis was flushed, or tracking has just been confirmed again. */
    void invalidatedAll();
}
