package io.mcpwasm.internal;

import java.util.Arrays;

/**
 * The binary format's primitives for the passes that rewrite module bytes ({@link CodeStripper},
 * {@link CodeReshaper}, {@link FunctionOutliner}): the loop over a module's sections, a cursor that reads LEB128
 * numbers and skips names, limits and the import section, and a growable output that writes them and can be cut
 * back to an earlier length. Malformed input fails with
 * {@link IllegalArgumentException} (or an index out of bounds); the passes turn either into "leave the module as is".
 */
final class WasmBytes {
    static final int TYPE_SECTION = 1;
    static final int IMPORT_SECTION = 2;
    static final int FUNCTION_SECTION = 3;
    static final int CODE_SECTION = 10;

    private WasmBytes() {}

    /** Checks the magic number and returns the offset of the first section. */
    static int checkHeader(byte[] in) {
        if (in.length < 8 || in[0] != 0 || in[1] != 'a' || in[2] != 's' || in[3] != 'm') {
            throw new IllegalArgumentException("not a wasm module");
        }
        return 8;
    }

    /** What a section loop does with one section. */
    interface SectionRewriter {
        /**
         * Called with {@code c} at the start of the content of section {@code id}, which ends at {@code end}; may
         * read it (the loop moves {@code c} to {@code end} afterwards).
         *
         * @return the section's new content, or null to keep it byte for byte
         */
        Out rewrite(int id, Cursor c, int end);
    }

    /**
     * Walks the sections of {@code in} in order and returns a copy in which each section {@code rewriter} rewrites
     * is replaced (its id kept, its size recomputed) and every other section is copied byte for byte.
     */
    static byte[] rewriteSections(byte[] in, int capacity, SectionRewriter rewriter) {
        Cursor c = new Cursor(in, checkHeader(in));
        Out out = new Out(capacity);
        out.write(in, 0, c.pos);
        sections(c, (id, cursor, end) -> {
            int start = cursor.pos;
            Out content = rewriter.rewrite(id, cursor, end);
            if (content != null) {
                out.section(id, content);
            } else {
                out.write(id);
                out.u32(end - start);
                out.write(in, start, end - start);
            }
            return null;
        });
        return out.toByteArray();
    }

    /** Walks the sections of {@code in} in order, only reading: every section's return value is ignored. */
    static void readSections(byte[] in, SectionRewriter reader) {
        sections(new Cursor(in, checkHeader(in)), reader);
    }

    private static void sections(Cursor c, SectionRewriter each) {
        while (c.pos < c.in.length) {
            int id = c.u8();
            int size = c.u32();
            int start = c.pos;
            int end = Math.addExact(start, size);
            if (end > c.in.length) {
                throw new IllegalArgumentException("section past the end");
            }
            each.rewrite(id, c, end);
            c.pos = end;
        }
    }

    /** Reads from a byte array. */
    static final class Cursor {
        final byte[] in;
        int pos;

        Cursor(byte[] in, int pos) {
            this.in = in;
            this.pos = pos;
        }

        int u8() {
            return in[pos++] & 0xff;
        }

        int u32() {
            long v = u64();
            if (v > 0xffffffffL) {
                throw new IllegalArgumentException("u32 too large");
            }
            return (int) v;
        }

        long u64() {
            long result = 0;
            int shift = 0;
            while (true) {
                byte b = in[pos++];
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
                shift += 7;
                if (shift > 63) {
                    throw new IllegalArgumentException("LEB128 too long");
                }
            }
        }

        /** A signed LEB128 number of up to 64 bits. */
        long s64() {
            long result = 0;
            int shift = 0;
            byte b;
            do {
                b = in[pos++];
                result |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (shift > 70) {
                    throw new IllegalArgumentException("LEB128 too long");
                }
            } while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0) {
                result |= -1L << shift;
            }
            return result;
        }

        /** Skips one LEB128 number, signed or not. */
        void skipLeb() {
            int n = 0;
            while ((in[pos++] & 0x80) != 0) {
                if (++n > 10) {
                    throw new IllegalArgumentException("LEB128 too long");
                }
            }
        }

        void skip(int bytes) {
            pos = Math.addExact(pos, bytes);
            if (pos > in.length) {
                throw new IllegalArgumentException("past the end");
            }
        }

        void skipName() {
            skip(u32());
        }

        void skipLimits() {
            int flags = u8();
            u64();
            if ((flags & 1) != 0) {
                u64();
            }
        }

        /**
         * Reads an import section's entries up to {@code end} and returns how many import a function; for each one,
         * {@code typeOfImport} (when not null) gets its type index.
         */
        int importedFunctions(int end, java.util.function.IntConsumer typeOfImport) {
            int functions = 0;
            int count = u32();
            for (int i = 0; i < count; i++) {
                skipName();
                skipName();
                int kind = u8();
                switch (kind) {
                    case 0 -> {
                        functions++;
                        int type = u32();
                        if (typeOfImport != null) {
                            typeOfImport.accept(type);
                        }
                    }
                    case 1 -> { // table: reftype + limits
                        pos++;
                        skipLimits();
                    }
                    case 2 -> skipLimits();
                    case 3 -> pos += 2; // valtype + mutability
                    case 4 -> { // tag: attribute + type index
                        pos++;
                        u32();
                    }
                    default -> throw new IllegalArgumentException("import kind " + kind);
                }
            }
            if (pos != end) {
                throw new IllegalArgumentException("import section size");
            }
            return functions;
        }
    }

    /** A growable byte buffer. */
    static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        int size() {
            return size;
        }

        /** Cuts the output back to {@code length} bytes. */
        void truncate(int length) {
            if (length < 0 || length > size) {
                throw new IllegalArgumentException("truncate to " + length);
            }
            size = length;
        }

        void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        void write(Out other) {
            write(other.buf, 0, other.size);
        }

        void u32(long v) {
            do {
                int b = (int) (v & 0x7f);
                v >>>= 7;
                write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
        }

        void s64(long v) {
            while (true) {
                int b = (int) (v & 0x7f);
                v >>= 7;
                if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                    write(b);
                    return;
                }
                write(b | 0x80);
            }
        }

        /** A section: its id, its size and its bytes. */
        void section(int id, Out content) {
            write(id);
            u32(content.size);
            write(content);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }
    }
}
