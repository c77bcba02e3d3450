package dev.tokengate.cache;

/** Whether Redis is confirmed to announce every change of a token key, so that cached answers may be served. */
public interface NearCacheTracking {

    boolean isTracking();
}
