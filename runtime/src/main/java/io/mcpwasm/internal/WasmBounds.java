package io.mcpwasm.internal;

import io.mcpwasm.wasi.internal.manifest.WasmSections;
import java.util.List;

/**
 * Checks, before the engine parses a module, that no count or length in it asks for more than the bytes after it can
 * hold. The engine sizes its arrays and lists by the counts a module declares (a type section claiming 2^32-1 types,
 * a function type claiming 2^28 parameters, an import name or a data segment claiming 256 MiB), so a few hostile bytes
 * could otherwise make the host allocate gigabytes, or fail with an {@link OutOfMemoryError} that other servers in the
 * JVM would feel. Every entry of a vector takes at least one byte, so a count larger than the bytes left in its
 * section is malformed whatever follows.
 *
 * <p>Covered: the entry count of every section; the nested vectors and names of the type, import, export, element and
 * data sections; the size and local groups of each function body. Instructions are left to the engine, which reads
 * their immediates before it allocates for them. A form this walk does not know (a proposal's new encoding) ends the
 * walk of that section and is left to the engine's own checks.
 */
public final class WasmBounds {
    private static final String[] SECTION_NAMES = {"custom", "type", "import", "function", "table", "memory",
        "global", "export", "start", "element", "code", "data", "data count", "tag"};

    private WasmBounds() {}

    /** Null when every count fits, else what is wrong, naming the section and its offset. */
    public static String problem(byte[] wasm) {
        List<WasmSections.Section> sections = WasmSections.sections(wasm);
        for (WasmSections.Section s : sections) {
            if (s.id() == 0 || s.id() == 8 || s.id() == 12 || s.id() >= SECTION_NAMES.length) {
                continue; // custom sections, start, data count: no vector; unknown ids: the engine refuses them
            }
            Reader r = new Reader(wasm, s.payloadFrom(), s.end());
            try {
                walk(s.id(), r);
            } catch (Unknown stop) {
                // a form not known here: the engine checks it
            } catch (TooLarge e) {
                return "malformed module: the " + SECTION_NAMES[s.id()] + " section at offset " + s.start() + ": "
                        + e.getMessage();
            }
        }
        return null;
    }

    private static void walk(int id, Reader r) {
        int n = r.count("entries");
        switch (id) {
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    recType(r);
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    r.skip(r.count("bytes in an import's module name"));
                    r.skip(r.count("bytes in an import's name"));
                    importDescription(r);
                }
            }
            case 7 -> {
                for (int i = 0; i < n; i++) {
                    r.skip(r.count("bytes in an export's name"));
                    r.u8();
                    r.leb();
                }
            }
            case 9 -> {
                for (int i = 0; i < n; i++) {
                    elementSegment(r);
                }
            }
            case 10 -> {
                for (int i = 0; i < n; i++) {
                    int size = r.count("bytes in a function body");
                    int bodyEnd = r.pos + size;
                    Reader body = new Reader(r.bytes, r.pos, bodyEnd);
                    int groups = body.count("groups of locals in a function body");
                    for (int g = 0; g < groups; g++) {
                        body.leb(); // how many locals: the engine caps their total before allocating
                        valType(body);
                    }
                    r.pos = bodyEnd;
                }
            }
            case 11 -> {
                for (int i = 0; i < n; i++) {
                    long mode = r.leb();
                    if (mode == 2) {
                        r.leb();
                    }
                    if (mode == 0 || mode == 2) {
                        constantExpression(r);
                    } else if (mode != 1) {
                        throw new Unknown();
                    }
                    r.skip(r.count("bytes in a data segment"));
                }
            }
            default -> {
                // function, table, memory, global, tag: the entry count was the only vector
            }
        }
    }

    private static void recType(Reader r) {
        int form = r.u8();
        if (form == 0x4e) { // rec: a group of subtypes
            int n = r.count("types in a recursion group");
            for (int i = 0; i < n; i++) {
                subType(r, r.u8());
            }
        } else {
            subType(r, form);
        }
    }

    private static void subType(Reader r, int form) {
        if (form == 0x50 || form == 0x4f) {
            int supers = r.count("supertypes of a type");
            for (int i = 0; i < supers; i++) {
                r.leb();
            }
            form = r.u8();
        }
        switch (form) {
            case 0x60 -> {
                int params = r.count("parameters of a function type");
                for (int i = 0; i < params; i++) {
                    valType(r);
                }
                int results = r.count("results of a function type");
                for (int i = 0; i < results; i++) {
                    valType(r);
                }
            }
            case 0x5f -> {
                int fields = r.count("fields of a struct type");
                for (int i = 0; i < fields; i++) {
                    valType(r);
                    r.u8();
                }
            }
            case 0x5e -> {
                valType(r);
                r.u8();
            }
            default -> throw new Unknown();
        }
    }

    private static void importDescription(Reader r) {
        switch (r.u8()) {
            case 0x00 -> r.leb();
            case 0x01 -> {
                valType(r);
                limits(r);
            }
            case 0x02 -> limits(r);
            case 0x03 -> {
                valType(r);
                r.u8();
            }
            case 0x04 -> {
                r.u8();
                r.leb();
            }
            default -> throw new Unknown();
        }
    }

    private static void limits(Reader r) {
        int flags = r.u8();
        if (flags > 7) {
            throw new Unknown();
        }
        r.leb();
        if ((flags & 1) != 0) {
            r.leb();
        }
    }

    private static void elementSegment(Reader r) {
        long flags = r.leb();
        if (flags > 7) {
            throw new Unknown();
        }
        if (flags == 2 || flags == 6) {
            r.leb(); // table index
        }
        if ((flags & 1) == 0) {
            constantExpression(r); // active: the offset
        }
        if (flags != 0 && flags != 4) {
            if ((flags & 4) == 0) {
                r.u8(); // element kind
            } else {
                valType(r); // reference type
            }
        }
        int n = r.count("elements in an element segment");
        for (int i = 0; i < n; i++) {
            if ((flags & 4) == 0) {
                r.leb();
            } else {
                constantExpression(r);
            }
        }
    }

    /** Skips a constant expression of the instructions compilers emit; anything else ends the walk. */
    private static void constantExpression(Reader r) {
        while (true) {
            int op = r.u8();
            switch (op) {
                case 0x0b -> {
                    return;
                }
                case 0x41, 0x42, 0x23, 0xd2, 0xd0 -> r.leb(); // i32/i64.const, global.get, ref.func, ref.null
                case 0x43 -> r.skip(4);
                case 0x44 -> r.skip(8);
                case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> {
                    // extended constant expressions: add, sub, mul
                }
                default -> throw new Unknown();
            }
        }
    }

    private static void valType(Reader r) {
        int t = r.u8();
        if (t == 0x63 || t == 0x64) { // (ref null? heaptype)
            r.leb();
        }
    }

    /** A count over the bytes left: the module is malformed. */
    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    /** An encoding not known to this walk. */
    private static final class Unknown extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unknown() {
            super(null, null, false, false);
        }
    }

    private static final class Reader {
        final byte[] bytes;
        final int end;
        int pos;

        Reader(byte[] bytes, int from, int end) {
            this.bytes = bytes;
            this.pos = from;
            this.end = end;
        }

        int u8() {
            if (pos >= end) {
                throw new Unknown(); // runs past its section: the engine reports that
            }
            return bytes[pos++] & 0xff;
        }

        /** An unsigned or signed LEB128 of up to 64 bits, as a raw unsigned value (enough to skip it or bound it). */
        long leb() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = u8();
                if (shift < 64) {
                    v |= (long) (b & 0x7f) << shift;
                }
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new Unknown();
        }

        /** A vector's length or a byte count, which must fit in what is left of the section. */
        int count(String what) {
            long n = leb();
            if (n < 0 || n > end - pos) {
                throw new TooLarge("declares " + Long.toUnsignedString(n) + " " + what + ", but only " + (end - pos)
                        + (end - pos == 1 ? " byte follows" : " bytes follow"));
            }
            return (int) n;
        }

        void skip(long n) {
            if (n > end - pos) {
                throw new Unknown();
            }
            pos += (int) n;
        }
    }
}
