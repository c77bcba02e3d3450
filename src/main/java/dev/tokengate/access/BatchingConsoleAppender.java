package dev.tokengate.access;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's console appender: request threads only queue their event, and one background thread writes what
 * has queued up every {@code maxDelayMillis} (100 by default), in a single write to standard output.
 *
 * <p>Logback's {@code AsyncAppender} in front of a {@code ConsoleAppender} costs a request about a tenth of the public
 * route's CPU in {@code bench/run.sh}: each event wakes its writer thread, which then writes and flushes that one line.
 * Here nothing wakes the writer but its own timer (or a queue half full), and a busy second's thousands of lines leave
 * in ten writes. Lines appear up to {@code maxDelayMillis} after their request; when more than {@code queueSize} are
 * waiting, further ones are dropped rather than requests slowed, as with the {@code AsyncAppender}'s {@code
 * neverBlock}.
 */
public class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final Queue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private Encoder<ILoggingEvent> encoder;
    private int queueSize = 8192;
    private int maxDelayMillis = 100;
    private volatile Thread writer;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxDelayMillis(int maxDelayMillis) {
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("No encoder set for the appender named \"" + name + "\".");
            return;
        }
        Thread thread = new Thread(this::writeUntilStopped, "access-log-writer");
        thread.setDaemon(true);
        writer = thread;
        super.start();
        thread.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        int waiting = queued.incrementAndGet();
        if (waiting > queueSize) {
            queued.decrementAndGet();
            return;
        }
        event.prepareForDeferredProcessing();
        queue.offer(event);
        if (waiting == queueSize / 2) {
            LockSupport.unpark(writer);
        }
    }

    private void writeUntilStopped() {
        while (isStarted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(maxDelayMillis));
            writeQueued();
        }
    }

    private void writeQueued() {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(8192);
        ILoggingEvent event;
        while ((event = queue.poll()) != null) {
            queued.decrementAndGet();
            try {
                batch.writeBytes(encoder.encode(event));
            } catch (RuntimeException e) {
                addError("Could not encode an access log event", e);
            }
        }
        if (batch.size() > 0) {
            // System.out read for every batch, as Logback's console appender does: a test may have replaced it.
            PrintStream out = System.out;
            out.write(batch.toByteArray(), 0, batch.size());
            out.flush();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        Thread thread = writer;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQueued();
    }
}
