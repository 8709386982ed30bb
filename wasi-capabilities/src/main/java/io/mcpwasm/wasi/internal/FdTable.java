package io.mcpwasm.wasi.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest's file descriptor table. New descriptors take the lowest free number; a closed number is reused.
 * Synchronized so that the embedder may close the host from another thread; no method blocks.
 */
final class FdTable {
    /** Most descriptors a guest may hold open at once. */
    static final int MAX_FDS = 1024;

    private Descriptor[] slots = new Descriptor[16];
    private boolean closed;

    synchronized Descriptor get(int fd) throws ErrnoException {
        if (fd < 0 || fd >= slots.length || slots[fd] == null) {
            throw new ErrnoException(Errno.EBADF, "fd " + Integer.toUnsignedString(fd) + " is not open");
        }
        return slots[fd];
    }

    /** Adds at the lowest free number. */
    synchronized int add(Descriptor d) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(Errno.EBADF, "host is closed");
        }
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = d;
                return i;
            }
        }
        if (slots.length >= MAX_FDS) {
            throw new ErrnoException(Errno.EMFILE, "more than " + MAX_FDS + " open descriptors");
        }
        int fd = slots.length;
        slots = Arrays.copyOf(slots, Math.min(MAX_FDS, slots.length * 2));
        slots[fd] = d;
        return fd;
    }

    /** Removes and returns the descriptor (the caller closes it). */
    synchronized Descriptor remove(int fd) throws ErrnoException {
        Descriptor d = get(fd);
        slots[fd] = null;
        return d;
    }

    /** Moves {@code from} to {@code to}; returns the descriptor that was at {@code to} (to be closed), or null. */
    synchronized Descriptor renumber(int from, int to) throws ErrnoException {
        Descriptor d = get(from);
        Descriptor old = get(to);
        if (from == to) {
            return null;
        }
        slots[to] = d;
        slots[from] = null;
        return old;
    }

    /** Empties the table for good and returns what it held. */
    synchronized List<Descriptor> closeAll() {
        closed = true;
        List<Descriptor> all = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                all.add(slots[i]);
                slots[i] = null;
            }
        }
        return all;
    }
}
