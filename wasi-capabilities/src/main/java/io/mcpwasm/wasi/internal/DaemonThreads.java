package io.mcpwasm.wasi.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one thread factory of mcpwasm's helper pools (DNS lookups, events, timers, gateways): daemon threads, so
 * that no pool keeps a JVM alive, named {@code prefix1}, {@code prefix2}, ... so that a thread dump says whose
 * they are. Guest threads are made elsewhere (they need their own stack size).
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A factory of daemon threads named {@code prefix} followed by a counter. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
