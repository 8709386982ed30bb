package io.mcpwasm.internal;

import java.util.Arrays;

/**
 * The one decoder of wasm instructions that the passes rewriting code share ({@link CodeReshaper},
 * {@link FunctionOutliner}): {@link #next} reads one instruction of the MVP, sign-extension, saturating-truncation,
 * bulk-memory, reference-types, multi-value and tail-call proposals, and leaves what it is in this object's fields:
 * its opcode, its kind for control flow, its immediates that a pass uses (branch labels, a local's index, an integer
 * constant's value) and its effect on the operand stack. Anything else (SIMD, threads, exception handling, GC types)
 * fails with {@link IllegalArgumentException}, which the passes turn into "leave the module as is".
 *
 * <p>Not thread-safe: one decoder per pass run.
 */
final class WasmInstructions {
    /** Kinds: an instruction that neither branches nor opens or closes a block. */
    static final int PLAIN = 0;
    /** {@code block}, {@code loop}, {@code if}: {@link #blockParams} and {@link #blockResults} are set. */
    static final int BLOCK = 1;
    static final int ELSE = 2;
    static final int END = 3;
    /** {@code br_if}: its label is the one target; the code after it is reachable. */
    static final int BRANCH = 4;
    /**
     * {@code br}, {@code br_table} (their labels are the targets), {@code return}, {@code return_call},
     * {@code return_call_indirect}, {@code unreachable} (no targets): the code after it is unreachable.
     */
    static final int JUMP = 5;

    /** The module's types, which give calls and blocks their stack effect. */
    interface Signatures {
        /** Type {@code index} as {@code params << 32 | results} (counts of values); fails for an unknown index. */
        long type(int index);

        /** The type index of function {@code index} (imports first); fails for an unknown index. */
        int functionType(int index);
    }

    private final Signatures signatures;

    // What the last instruction is.
    int opcode;
    int kind;
    /** Operands it takes off the stack and results it pushes (for a block: the condition of an {@code if} only). */
    int pops;
    int pushes;
    int blockParams;
    int blockResults;
    /** For {@code local.get}, {@code local.set}, {@code local.tee}: the local's index. */
    int localIndex;
    /** For {@code i32.const}, {@code i64.const}: the value. */
    long value;
    private int[] targets = new int[8];
    private int targetCount;

    WasmInstructions(Signatures signatures) {
        this.signatures = signatures;
    }

    /** Whether the last instruction was {@code local.get}, {@code local.set} or {@code local.tee}. */
    boolean isLocalAccess() {
        return opcode >= 0x20 && opcode <= 0x22;
    }

    /** How many branch labels the last instruction named. */
    int targetCount() {
        return targetCount;
    }

    /** Its {@code i}-th label, as a relative depth. */
    int target(int i) {
        return targets[i];
    }

    /** Decodes the instruction at {@code c.pos}, which must end before {@code end}, and moves past it. */
    void next(WasmBytes.Cursor c, int end) {
        kind = PLAIN;
        pops = 0;
        pushes = 0;
        targetCount = 0;
        int op = c.u8();
        opcode = op;
        switch (op) {
            case 0x00, 0x0f -> kind = JUMP; // unreachable, return
            case 0x01 -> { } // nop
            case 0x02, 0x03, 0x04 -> {
                blockType(c);
                kind = BLOCK;
                pops = op == 0x04 ? 1 : 0;
            }
            case 0x05 -> kind = ELSE;
            case 0x0b -> kind = END;
            case 0x0c -> {
                kind = JUMP;
                addTarget(c.u32());
            }
            case 0x0d -> {
                kind = BRANCH;
                addTarget(c.u32());
                pops = 1; // the carried values stay on the stack: pop one (the condition), no net change
            }
            case 0x0e -> {
                kind = JUMP;
                int n = c.u32();
                if (n > end - c.pos) {
                    throw new IllegalArgumentException("br_table size");
                }
                for (int i = 0; i <= n; i++) {
                    addTarget(c.u32());
                }
                pops = 1;
            }
            case 0x10, 0x12 -> {
                long t = signatures.type(signatures.functionType(c.u32()));
                call(t, 0, op == 0x12);
            }
            case 0x11, 0x13 -> {
                long t = signatures.type(c.u32());
                c.skipLeb(); // table
                call(t, 1, op == 0x13);
            }
            case 0x1a -> pops = 1; // drop
            case 0x1b -> plain(3, 1); // select
            case 0x1c -> { // select t*
                int n = c.u32();
                for (int i = 0; i < n; i++) {
                    valueType(c);
                }
                plain(3, 1);
            }
            case 0x20, 0x21, 0x22 -> {
                localIndex = c.u32();
                pops = op == 0x20 ? 0 : 1;
                pushes = op == 0x21 ? 0 : 1;
            }
            case 0x23 -> { // global.get
                c.skipLeb();
                pushes = 1;
            }
            case 0x24 -> { // global.set
                c.skipLeb();
                pops = 1;
            }
            case 0x25 -> { // table.get
                c.skipLeb();
                plain(1, 1);
            }
            case 0x26 -> { // table.set
                c.skipLeb();
                pops = 2;
            }
            case 0x3f -> { // memory.size
                c.skipLeb();
                pushes = 1;
            }
            case 0x40 -> { // memory.grow
                c.skipLeb();
                plain(1, 1);
            }
            case 0x41, 0x42 -> {
                value = c.s64();
                pushes = 1;
            }
            case 0x43 -> {
                c.skip(4);
                pushes = 1;
            }
            case 0x44 -> {
                c.skip(8);
                pushes = 1;
            }
            case 0xd0 -> { // ref.null
                c.u8();
                pushes = 1;
            }
            case 0xd1 -> plain(1, 1); // ref.is_null
            case 0xd2 -> { // ref.func
                c.skipLeb();
                pushes = 1;
            }
            case 0xfc -> prefixed(c);
            default -> numeric(c, op);
        }
    }

    /**
     * A value type of the numeric and reference-types proposals, read; fails for any other (v128, GC references).
     */
    static int valueType(WasmBytes.Cursor c) {
        int t = c.u8();
        if (t != 0x7f && t != 0x7e && t != 0x7d && t != 0x7c && t != 0x70 && t != 0x6f) {
            throw new IllegalArgumentException(String.format("value type 0x%02x", t));
        }
        return t;
    }

    private void addTarget(int label) {
        if (targetCount == targets.length) {
            targets = Arrays.copyOf(targets, targetCount * 2);
        }
        targets[targetCount++] = label;
    }

    private void plain(int pops, int pushes) {
        this.pops = pops;
        this.pushes = pushes;
    }

    private void call(long type, int extra, boolean tail) {
        pops = (int) (type >>> 32) + extra;
        pushes = tail ? 0 : (int) type;
        kind = tail ? JUMP : PLAIN;
    }

    private void blockType(WasmBytes.Cursor c) {
        int b = c.in[c.pos] & 0xff;
        if (b == 0x40) {
            c.pos++;
            blockParams = 0;
            blockResults = 0;
            return;
        }
        if ((b & 0xc0) == 0x40) { // a one-byte negative s33: a value type
            valueType(c);
            blockParams = 0;
            blockResults = 1;
            return;
        }
        long index = c.s64();
        if (index < 0 || index > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("block type " + index);
        }
        long t = signatures.type((int) index);
        blockParams = (int) (t >>> 32);
        blockResults = (int) t;
    }

    private void numeric(WasmBytes.Cursor c, int op) {
        if (op >= 0x28 && op <= 0x3e) {
            int align = c.u32();
            if ((align & 0x40) != 0) {
                c.skipLeb(); // memory index (multi-memory)
            }
            c.skipLeb();
            pops = op <= 0x35 ? 1 : 2;
            pushes = op <= 0x35 ? 1 : 0;
            return;
        }
        boolean unary = op == 0x45 || op == 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)
                || (op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f) || (op >= 0xa7 && op <= 0xc4);
        boolean binary = (op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x66) || (op >= 0x6a && op <= 0x78)
                || (op >= 0x7c && op <= 0x8a) || (op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6);
        if (!unary && !binary) {
            throw new IllegalArgumentException(String.format("opcode 0x%02x", op));
        }
        plain(unary ? 1 : 2, 1);
    }

    private void prefixed(WasmBytes.Cursor c) {
        int sub = c.u32();
        if (sub <= 7) { // saturating truncations
            plain(1, 1);
            return;
        }
        switch (sub) {
            case 8, 10, 12, 14 -> { // memory.init, memory.copy, table.init, table.copy
                c.skipLeb();
                c.skipLeb();
                pops = 3;
            }
            case 9, 13 -> c.skipLeb(); // data.drop, elem.drop
            case 11, 17 -> { // memory.fill, table.fill
                c.skipLeb();
                pops = 3;
            }
            case 15 -> { // table.grow
                c.skipLeb();
                plain(2, 1);
            }
            case 16 -> { // table.size
                c.skipLeb();
                pushes = 1;
            }
            default -> throw new IllegalArgumentException("opcode 0xfc " + sub);
        }
    }
}
