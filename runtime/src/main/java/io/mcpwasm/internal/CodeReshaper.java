package io.mcpwasm.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wasm-to-wasm pass run before a module is compiled to JVM bytecode: it reshapes code the JVM handles badly into
 * equivalent code it handles well. Today one rewrite: {@code i32.rotl}, {@code i32.rotr}, {@code i64.rotl} and
 * {@code i64.rotr} become two shifts and an or.
 *
 * <p>Why: the compiler turns a rotate into a call of a small helper method, which the JIT inlines only while the
 * calling method is within its inlining budget; guest functions are often far larger (Zig's SHA-256 is one function
 * of 3,535 instructions and 388 rotates), and there every rotate stays a call. Shifts compile to plain JVM shift
 * instructions, which need no inlining.
 *
 * <ul>
 *   <li>{@code local.get y; i32.const K; i32.rotl} (the common case) becomes
 *       {@code local.get y; i32.const k; i32.shl; local.get y; i32.const 32-k; i32.shr_u; i32.or} with
 *       {@code k = K mod 32}, or just {@code local.get y} when {@code k = 0};</li>
 *   <li>a constant count after any other operand: the operand is kept in a new local ({@code local.tee});</li>
 *   <li>a computed count {@code n}: {@code (x shl n) or (x shr_u (0 - n))}, with two new locals (wasm masks shift
 *       counts, so {@code 0 - n} is {@code 32 - n} mod 32, and a count of 0 gives {@code x or x = x}).</li>
 * </ul>
 *
 * <p>Everything but the code section is copied byte for byte; function indices, types and exports are unchanged.
 * A module this pass does not understand (SIMD, threads, exception handling, GC types) is returned unchanged.
 *
 * <p>The system property {@code mcpwasm.codeReshaper=false} turns the pass off (to measure it, or to rule it out
 * when diagnosing a guest); the compile cache keeps the two kinds of classes apart (see {@link #cacheTag()}).
 */
public final class CodeReshaper {
    private static final Logger LOG = LoggerFactory.getLogger(CodeReshaper.class);

    /** Changes whenever the pass's output for some input changes. */
    private static final int VERSION = 1;
    private static final boolean ENABLED = !"false".equals(System.getProperty("mcpwasm.codeReshaper"));

    private static final int I32 = 0x7f;
    private static final int I64 = 0x7e;

    private CodeReshaper() {}

    /** Part of the compile cache's layout: which pass (version, or none) made the code that was compiled. */
    public static String cacheTag() {
        return ENABLED ? "reshape" + VERSION : "noreshape";
    }

    /**
     * The rewritten module, or {@code wasm} itself when nothing was rewritten, the module is not understood or the
     * pass is turned off.
     */
    public static byte[] reshape(byte[] wasm) {
        if (!ENABLED) {
            return wasm;
        }
        try {
            byte[] out = new Run(wasm).run();
            return out != null ? out : wasm;
        } catch (RuntimeException e) {
            LOG.debug("code reshaper: module left as is: {}", e.toString());
            return wasm;
        }
    }

    /** How one module is rewritten. */
    private static final class Run implements WasmInstructions.Signatures {
        private final byte[] in;
        private final List<Long> typeArities = new ArrayList<>(); // params << 32 | results
        private final List<Integer> functionTypes = new ArrayList<>();
        private final WasmInstructions decoder = new WasmInstructions(this);
        private boolean changed;

        Run(byte[] in) {
            this.in = in;
        }

        /** The rewritten module, or null when nothing changed. */
        byte[] run() {
            byte[] out = WasmBytes.rewriteSections(in, in.length + in.length / 8, (id, c, end) -> {
                switch (id) {
                    case WasmBytes.TYPE_SECTION -> readTypes(c);
                    case WasmBytes.IMPORT_SECTION -> c.importedFunctions(end, functionTypes::add);
                    case WasmBytes.FUNCTION_SECTION -> {
                        int count = c.u32();
                        for (int i = 0; i < count; i++) {
                            functionTypes.add(c.u32());
                        }
                    }
                    case WasmBytes.CODE_SECTION -> {
                        return code(c, end);
                    }
                    default -> { }
                }
                return null;
            });
            return changed ? out : null;
        }

        private void readTypes(WasmBytes.Cursor c) {
            int count = c.u32();
            for (int i = 0; i < count; i++) {
                if (c.u8() != 0x60) {
                    throw new IllegalArgumentException("type " + i + " is not a plain function type");
                }
                int params = c.u32();
                for (int p = 0; p < params; p++) {
                    valueType(c);
                }
                int results = c.u32();
                for (int r = 0; r < results; r++) {
                    valueType(c);
                }
                typeArities.add((long) params << 32 | results);
            }
        }

        @Override
        public long type(int index) {
            return typeArities.get(index);
        }

        @Override
        public int functionType(int index) {
            return functionTypes.get(index);
        }

        private WasmBytes.Out code(WasmBytes.Cursor c, int end) {
            int count = c.u32();
            int imported = functionTypes.size() - count;
            if (imported < 0) {
                throw new IllegalArgumentException("code and function sections differ");
            }
            WasmBytes.Out code = new WasmBytes.Out(end - c.pos + 1024);
            code.u32(count);
            for (int i = 0; i < count; i++) {
                int bodySize = c.u32();
                int bodyStart = c.pos;
                int bodyEnd = Math.addExact(bodyStart, bodySize);
                int params = (int) (type(functionType(imported + i)) >>> 32);
                WasmBytes.Out body = new Body(c, bodyEnd, params, decoder).rewrite();
                if (body == null) {
                    code.u32(bodySize);
                    code.write(in, bodyStart, bodySize);
                } else {
                    changed = true;
                    code.u32(body.size());
                    code.write(body);
                }
                c.pos = bodyEnd;
            }
            if (c.pos != end) {
                throw new IllegalArgumentException("code section size");
            }
            return code;
        }
    }

    private static void valueType(WasmBytes.Cursor c) {
        int t = c.u8();
        if (t == 0x63 || t == 0x64) {
            throw new IllegalArgumentException("GC reference types");
        }
    }

    /** One function body being rewritten. */
    private static final class Body {
        private static final int OTHER = 0;
        private static final int LOCAL_GET = 1;
        private static final int CONST = 2;

        private final WasmBytes.Cursor c;
        private final int end;
        private final WasmInstructions d;
        private final WasmBytes.Out out;
        private final List<Integer> newLocals = new ArrayList<>();
        private int firstNewLocal;
        private int scratchX32 = -1;
        private int scratchN32 = -1;
        private int scratchX64 = -1;
        private int scratchN64 = -1;
        private boolean changed;

        // The last two instructions written: where each starts in out, what it is, its immediate.
        private int lastStart;
        private int lastKind;
        private int lastOp;
        private long lastValue;
        private int prevStart;
        private int prevKind;
        private long prevValue;

        Body(WasmBytes.Cursor c, int end, int params, WasmInstructions d) {
            this.c = c;
            this.end = end;
            this.d = d;
            this.out = new WasmBytes.Out(end - c.pos + 64);
            this.firstNewLocal = params;
        }

        /** The new body (locals and code), or null when it needs no change. */
        WasmBytes.Out rewrite() {
            int groups = c.u32();
            int groupsStart = c.pos;
            long declared = 0;
            for (int g = 0; g < groups; g++) {
                declared += c.u32();
                valueType(c);
            }
            firstNewLocal = Math.toIntExact(firstNewLocal + declared);
            int localsEnd = c.pos;
            while (c.pos < end) {
                instruction();
            }
            if (c.pos != end) {
                throw new IllegalArgumentException("function body size");
            }
            if (!changed) {
                return null;
            }
            WasmBytes.Out body = new WasmBytes.Out(out.size() + localsEnd - groupsStart + 16);
            body.u32(groups + newLocals.size());
            body.write(c.in, groupsStart, localsEnd - groupsStart);
            for (int type : newLocals) {
                body.u32(1);
                body.write(type);
            }
            body.write(out);
            return body;
        }

        private void instruction() {
            int start = c.pos;
            d.next(c, end);
            int op = d.opcode;
            int kind = OTHER;
            long value = 0;
            switch (op) {
                case 0x77, 0x78 -> {
                    rotate(op == 0x77, false);
                    return;
                }
                case 0x89, 0x8a -> {
                    rotate(op == 0x89, true);
                    return;
                }
                case 0x20 -> {
                    kind = LOCAL_GET;
                    value = d.localIndex;
                }
                case 0x41, 0x42 -> {
                    kind = CONST;
                    value = d.value;
                }
                default -> { }
            }
            out.write(c.in, start, c.pos - start);
            record(start, kind, op, value);
        }

        /** Notes the instruction just written, which started at {@code start} in the input. */
        private void record(int start, int kind, int op, long value) {
            prevStart = lastStart;
            prevKind = lastKind;
            prevValue = lastValue;
            lastStart = out.size() - (c.pos - start);
            lastKind = kind;
            lastOp = op;
            lastValue = value;
        }

        private void forget() {
            prevKind = OTHER;
            lastKind = OTHER;
        }

        private void rotate(boolean left, boolean wide) {
            changed = true;
            int bits = wide ? 64 : 32;
            int constOp = wide ? 0x42 : 0x41;
            int shl = wide ? 0x86 : 0x74;
            int shrU = wide ? 0x88 : 0x76;
            int or = wide ? 0x84 : 0x72;
            int sub = wide ? 0x7d : 0x6b;
            int first = left ? shl : shrU;
            int second = left ? shrU : shl;
            if (lastKind == CONST && lastOp == constOp) {
                int k = (int) (lastValue & (bits - 1));
                boolean fromLocal = prevKind == LOCAL_GET;
                out.truncate(lastStart);
                if (k != 0) {
                    int x = fromLocal ? (int) prevValue : scratch(wide, false);
                    if (fromLocal) {
                        out.truncate(prevStart);
                        localOp(0x20, x);
                    } else {
                        localOp(0x22, x);
                    }
                    constant(constOp, k);
                    out.write(first);
                    localOp(0x20, x);
                    constant(constOp, bits - k);
                    out.write(second);
                    out.write(or);
                }
            } else {
                int n = scratch(wide, true);
                int x = scratch(wide, false);
                localOp(0x21, n);
                localOp(0x22, x);
                localOp(0x20, n);
                out.write(first);
                localOp(0x20, x);
                constant(constOp, 0);
                localOp(0x20, n);
                out.write(sub);
                out.write(second);
                out.write(or);
            }
            forget();
        }

        private void localOp(int op, int index) {
            out.write(op);
            out.u32(index);
        }

        private void constant(int op, long v) {
            out.write(op);
            out.s64(v);
        }

        /** A new local of the operand's type, for the operand ({@code count} false) or the count. */
        private int scratch(boolean wide, boolean count) {
            int current = wide ? (count ? scratchN64 : scratchX64) : (count ? scratchN32 : scratchX32);
            if (current >= 0) {
                return current;
            }
            int index = firstNewLocal + newLocals.size();
            newLocals.add(wide ? I64 : I32);
            if (wide) {
                if (count) {
                    scratchN64 = index;
                } else {
                    scratchX64 = index;
                }
            } else if (count) {
                scratchN32 = index;
            } else {
                scratchX32 = index;
            }
            return index;
        }
    }
}
