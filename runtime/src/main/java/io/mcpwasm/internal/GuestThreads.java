package io.mcpwasm.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Makes the thread each guest runs on: a platform thread with a given stack size (the default), or a virtual thread
 * (JDK 21 or later), which costs no operating-system thread while the guest waits for its next request.
 *
 * <p>Why virtual threads are an option, not the default: they need JDK 21 (this library runs on 17), and a virtual
 * thread's stack cannot be sized per thread (deep guest recursion is bounded by the JVM's {@code -Xss} instead).
 * What makes them safe here: a guest blocks only on {@code java.util.concurrent} locks (its stdin queue,
 * {@code poll_oneoff}) or on sockets, which unmount a virtual thread instead of pinning its carrier; Chicory checks the
 * thread's interrupt flag, which works the same on both kinds.
 */
public abstract class GuestThreads {
    private GuestThreads() {}

    /** An unstarted thread named {@code name} that runs {@code body}. */
    public abstract Thread newThread(String name, Runnable body);

    /** Platform threads with {@code stackSize} bytes of stack. */
    public static GuestThreads platform(long stackSize) {
        return new GuestThreads() {
            @Override
            public Thread newThread(String name, Runnable body) {
                Thread t = new Thread(null, body, name, stackSize);
                t.setDaemon(true);
                return t;
            }
        };
    }

    /**
     * Virtual threads.
     *
     * @throws UnsupportedOperationException on a JVM without virtual threads (before JDK 21)
     */
    public static GuestThreads virtual() {
        Method ofVirtual;
        Method name;
        Method unstarted;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            name = builder.getMethod("name", String.class);
            unstarted = builder.getMethod("unstarted", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("virtual threads need JDK 21 or later; this is "
                    + Runtime.version(), e);
        }
        return new GuestThreads() {
            @Override
            public Thread newThread(String threadName, Runnable body) {
                try {
                    Object b = ofVirtual.invoke(null);
                    name.invoke(b, threadName);
                    return (Thread) unstarted.invoke(b, body);
                } catch (InvocationTargetException e) {
                    throw new IllegalStateException("cannot create a virtual thread", e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot create a virtual thread", e);
                }
            }
        };
    }
}
