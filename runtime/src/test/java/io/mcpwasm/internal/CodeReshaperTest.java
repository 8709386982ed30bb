package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.runtime.TrapException;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * The code reshaper's rotate rewrite, run compiled against the rotate itself: every rotate form (constant counts in
 * and out of range, computed counts, operands from a local or from an expression, both widths, both directions,
 * inside blocks, branches and loops, next to the function's own locals, in unreachable code) gives the same results
 * as {@link Integer#rotateLeft}/{@link Long#rotateRight} and as the unchanged module, and no rotate is left.
 */
class CodeReshaperTest {
    private static final long[] CONSTANT_COUNTS = {0, 1, 7, 31, 32, 33, 63, 64, 65, -1, -32, 1000};
    private static final long[] VALUES = {0, 1, -1, 0x80000000L, 0x7fffffffL, 0x12345678L, 0x8000000000000000L,
            0x0123456789abcdefL, 0xfedcba9876543210L};

    /** {@code wide ? i64 : i32}, rotate {@code left} or right, as Java computes it (the ground truth). */
    private static long expected(boolean wide, boolean left, long x, long n) {
        if (wide) {
            return left ? Long.rotateLeft(x, (int) n) : Long.rotateRight(x, (int) n);
        }
        int r = left ? Integer.rotateLeft((int) x, (int) n) : Integer.rotateRight((int) x, (int) n);
        return r;
    }

    private static String type(boolean wide) {
        return wide ? "i64" : "i32";
    }

    private static String op(boolean wide, boolean left) {
        return type(wide) + (left ? ".rotl" : ".rotr");
    }

    /** One export per form: {@code <width><dir>_<form>[_<count>]}. */
    private static String rotateModule() {
        StringBuilder wat = new StringBuilder("(module\n");
        for (boolean wide : new boolean[] {false, true}) {
            String t = type(wide);
            for (boolean left : new boolean[] {true, false}) {
                String op = op(wide, left);
                String base = t + (left ? "l" : "r");
                wat.append("(func (export \"").append(base).append("_computed\") (param ").append(t).append(' ')
                        .append(t).append(") (result ").append(t).append(") (").append(op)
                        .append(" (local.get 0) (local.get 1)))\n");
                // a computed count whose operand is an expression, the function's own locals around it
                wat.append("(func (export \"").append(base).append("_computedexpr\") (param ").append(t).append(' ')
                        .append(t).append(") (result ").append(t).append(") (local ").append(t).append(' ')
                        .append(t).append(")\n (local.set 2 (").append(t).append(".const 5))\n (local.set 3 (")
                        .append(op).append(" (").append(t).append(".xor (local.get 0) (local.get 2)) (local.get 1)))\n")
                        .append(" (").append(t).append(".xor (local.get 3) (local.get 2)))\n");
                for (long k : CONSTANT_COUNTS) {
                    String name = base + "_k" + (k < 0 ? "m" + -k : String.valueOf(k));
                    wat.append("(func (export \"").append(name).append("_local\") (param ").append(t)
                            .append(") (result ").append(t).append(") (").append(op).append(" (local.get 0) (")
                            .append(t).append(".const ").append(k).append(")))\n");
                    wat.append("(func (export \"").append(name).append("_expr\") (param ").append(t)
                            .append(") (result ").append(t).append(") (").append(t).append(".sub (").append(op)
                            .append(" (").append(t).append(".xor (local.get 0) (").append(t)
                            .append(".const 0)) (").append(t).append(".const ").append(k).append(")) (")
                            .append(t).append(".const 0)))\n");
                }
            }
        }
        return wat.append(")").toString();
    }

    @Test
    void everyRotateFormComputesWhatTheRotateDoes() {
        byte[] original = Wat2Wasm.parse(rotateModule());
        byte[] shaped = CodeReshaper.reshape(original);
        assertNotSame(original, shaped, "the module has rotates to rewrite");
        assertSame(shaped, CodeReshaper.reshape(shaped), "no rotate is left in the rewritten module");
        Instance before = compiled(original);
        Instance after = compiled(shaped);
        int checked = 0;
        for (boolean wide : new boolean[] {false, true}) {
            for (boolean left : new boolean[] {true, false}) {
                String base = type(wide) + (left ? "l" : "r");
                for (long x : VALUES) {
                    long arg = wide ? x : (int) x;
                    for (long n : CONSTANT_COUNTS) {
                        long expect = expected(wide, left, arg, n);
                        checked += same(before, after, base + "_computed", expect, arg, wide ? n : (int) n);
                        long viaLocals = expected(wide, left, arg ^ 5, n) ^ 5;
                        checked += same(before, after, base + "_computedexpr", wide ? viaLocals : (int) viaLocals,
                                arg, wide ? n : (int) n);
                        String name = base + "_k" + (n < 0 ? "m" + -n : String.valueOf(n));
                        checked += same(before, after, name + "_local", expect, arg);
                        checked += same(before, after, name + "_expr", expect, arg);
                    }
                }
            }
        }
        assertEquals(4 * VALUES.length * CONSTANT_COUNTS.length * 4, checked);
    }

    /** Calls {@code export} on both instances; both must give {@code expected}. Returns 1. */
    private static int same(Instance before, Instance after, String export, long expected, long... args) {
        long was = before.export(export).apply(args)[0];
        long is = after.export(export).apply(args)[0];
        String what = export + Arrays.toString(args);
        assertEquals(expected, was, what + " unchanged module");
        assertEquals(expected, is, what + " reshaped module");
        return 1;
    }

    @Test
    void rotatesInsideControlFlowAndLoopsNextToTheFunctionsOwnLocals() {
        // A SHA-like mixing loop: rotates of locals and of expressions feed branches, a br_if carrying a rotate's
        // value out of a block, and a select; the scratch locals must not clobber the function's own.
        byte[] original = Wat2Wasm.parse("""
                (module
                  (func (export "mix") (param $a i32) (param $b i64) (param $rounds i32) (result i64)
                    (local $i i32) (local $c i64) (local $d i32)
                    (local.set $c (i64.const 0x0123456789abcdef))
                    (block $done
                      (loop $next
                        (br_if $done (i32.ge_u (local.get $i) (local.get $rounds)))
                        (local.set $a (i32.add (i32.rotl (local.get $a) (i32.const 7))
                                               (i32.rotr (i32.xor (local.get $a) (local.get $i)) (local.get $i))))
                        (local.set $b (i64.xor (i64.rotr (local.get $b) (i64.const 19))
                                               (i64.rotl (i64.add (local.get $b) (local.get $c)) (i64.const 61))))
                        (local.set $d
                          (block $out (result i32)
                            (drop (br_if $out (i32.rotl (local.get $a) (i32.const 13))
                                              (i32.and (local.get $i) (i32.const 1))))
                            (i32.rotr (local.get $d) (i32.wrap_i64 (local.get $b)))))
                        (if (i32.and (local.get $d) (i32.const 2))
                          (then (local.set $c (i64.rotl (local.get $c) (i64.extend_i32_u (local.get $d)))))
                          (else (local.set $c (select (i64.rotr (local.get $c) (i64.const 3)) (local.get $b)
                                                      (i32.and (local.get $a) (i32.const 4))))))
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br $next)))
                    (i64.add (i64.add (local.get $b) (local.get $c))
                             (i64.extend_i32_u (i32.xor (local.get $a) (local.get $d))))))
                """);
        byte[] shaped = CodeReshaper.reshape(original);
        assertNotSame(original, shaped);
        assertSame(shaped, CodeReshaper.reshape(shaped));
        Instance before = compiled(original);
        Instance after = compiled(shaped);
        Random random = new Random(15);
        for (int trial = 0; trial < 200; trial++) {
            long[] args = {random.nextInt(), random.nextLong(), random.nextInt(40)};
            long expected = mix((int) args[0], args[1], (int) args[2]);
            assertEquals(expected, before.export("mix").apply(args)[0], "unchanged module " + Arrays.toString(args));
            assertEquals(expected, after.export("mix").apply(args)[0], "reshaped module " + Arrays.toString(args));
        }
    }

    /** The "mix" function in Java. */
    private static long mix(int a, long b, int rounds) {
        long c = 0x0123456789abcdefL;
        int d = 0;
        for (int i = 0; Integer.compareUnsigned(i, rounds) < 0; i++) {
            a = Integer.rotateLeft(a, 7) + Integer.rotateRight(a ^ i, i);
            b = Long.rotateRight(b, 19) ^ Long.rotateLeft(b + c, 61);
            d = (i & 1) != 0 ? Integer.rotateLeft(a, 13) : Integer.rotateRight(d, (int) b);
            if ((d & 2) != 0) {
                c = Long.rotateLeft(c, (int) Integer.toUnsignedLong(d));
            } else {
                c = (a & 4) != 0 ? Long.rotateRight(c, 3) : b;
            }
        }
        return b + c + Integer.toUnsignedLong(a ^ d);
    }

    @Test
    void rotatesInUnreachableCodeStayValidAndTheFunctionStillTraps() {
        byte[] original = Wat2Wasm.parse("""
                (module
                  (func (export "trap") (result i32) unreachable i32.const 3 i32.rotl)
                  (func (export "trap64") (result i64) unreachable i64.rotr))
                """);
        byte[] shaped = CodeReshaper.reshape(original);
        assertNotSame(original, shaped);
        Instance after = compiled(shaped); // Parser.parse validates it
        assertThrows(TrapException.class, () -> after.export("trap").apply());
        assertThrows(TrapException.class, () -> after.export("trap64").apply());
    }

    @Test
    void aModuleWithoutRotatesOrWithInstructionsThePassDoesNotKnowIsReturnedAsIs() {
        byte[] noRotate = Wat2Wasm.parse("(module (func (export \"f\") (param i32) (result i32)"
                + " (i32.shl (local.get 0) (i32.const 3))))");
        assertSame(noRotate, CodeReshaper.reshape(noRotate));
        byte[] simd = Wat2Wasm.parse("(module (func (export \"f\") (param i32) (result i32)"
                + " (drop (v128.const i64x2 1 2)) (i32.rotl (local.get 0) (i32.const 3))))");
        assertSame(simd, CodeReshaper.reshape(simd), "SIMD is not understood: the module is left unchanged");
        byte[] truncated = Arrays.copyOf(noRotate, noRotate.length - 3);
        assertSame(truncated, CodeReshaper.reshape(truncated));
        byte[] notWasm = "not a module".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertSame(notWasm, CodeReshaper.reshape(notWasm));
    }

    @Test
    void bulkMemoryAndTableInstructionsAreSkippedCorrectly() {
        // Immediates of the 0xfc prefix, call_indirect, br_table and memargs with offsets around a rotate.
        byte[] original = Wat2Wasm.parse("""
                (module
                  (memory 1) (table 2 funcref) (type $t (func (param i32) (result i32)))
                  (elem (i32.const 0) $twice $rot)
                  (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
                  (func $rot (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 8)))
                  (func (export "f") (param i32) (param i32) (result i32)
                    (memory.fill (i32.const 16) (i32.const 0xab) (i32.const 8))
                    (memory.copy (i32.const 32) (i32.const 16) (i32.const 8))
                    (i32.store offset=40 (i32.const 0) (i32.rotl (local.get 0) (i32.load offset=32 (i32.const 0))))
                    (block $a (block $b (block $c
                      (br_table $a $b $c (i32.and (local.get 1) (i32.const 3))))
                      (return (call_indirect (type $t) (i32.load offset=40 (i32.const 0)) (i32.const 1))))
                      (return (call_indirect (type $t) (i32.load offset=40 (i32.const 0)) (i32.const 0))))
                    (i32.trunc_sat_f32_s (f32.convert_i32_s (i32.rotl (local.get 0) (i32.const 1))))))
                """);
        byte[] shaped = CodeReshaper.reshape(original);
        assertNotSame(original, shaped);
        assertSame(shaped, CodeReshaper.reshape(shaped));
        Instance before = compiled(original);
        Instance after = compiled(shaped);
        List<Long> seen = new ArrayList<>();
        for (int x : new int[] {0, 1, -1, 0x12345678, 0x00ff00ff}) {
            for (int sel = 0; sel < 4; sel++) {
                long was = before.export("f").apply(x, sel)[0];
                assertEquals(was, after.export("f").apply(x, sel)[0], x + " " + sel);
                seen.add(was);
            }
        }
        assertTrue(seen.stream().distinct().count() > 8, "the paths give different values: " + seen);
    }

    private static Instance compiled(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        return Instance.builder(module).withMachineFactory(MachineFactoryCompiler.compile(module)).build();
    }
}
