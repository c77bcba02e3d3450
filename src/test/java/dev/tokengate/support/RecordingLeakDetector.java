package dev.tokengate.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, keeping every report so that a test can fail on it. Netty only logs leaks, and a log line
 * fails no build. The test JVM selects it with {@code -Dio.netty.customResourceLeakDetector} (see the pom), together
 * with {@code -Dio.netty.leakDetection.level=paranoid}, which tracks every buffer.
 */
public class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> reports = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    // Netty looks both constructors up and complains when either is missing.
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        installed = true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        reports.add(resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        reports.add(resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    /**
     * The leaks reported since the last call, after giving the garbage collector the chance to find buffers that became
     * unreachable without being released. Netty notices those only when it tracks the next buffer, hence the
     * allocations.
     */
    public static List<String> takeReports() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        List<String> taken = new ArrayList<>(reports);
        reports.removeAll(taken);
        return taken;
    }

    /** Whether the detector in use is this one: the JVM flags in the pom must be in effect for leaks to fail a test. */
    public static boolean isInstalled() {
        return ResourceLeakDetector.getLevel() == Level.PARANOID && installed;
    }
}
