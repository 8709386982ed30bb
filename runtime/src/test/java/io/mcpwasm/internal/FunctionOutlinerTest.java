package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.runtime.TrapException;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * The function outliner against the unchanged module, both compiled: every control-flow shape a run can contain
 * (nested blocks, br_table, loops, branches out of the run to blocks and loops, return, multi-value blocks,
 * unreachable code, locals of every numeric type) gives the same results; the output validates; limits hold.
 */
class FunctionOutlinerTest {
    /** Small limits, so that small test functions are outlined into many pieces. */
    private static final FunctionOutliner.Limits SMALL = new FunctionOutliner.Limits(100, 60, 8);

    /** A statement that reads and writes locals of all four types, and branches around inside itself. */
    private static String round(int i) {
        return """
                (local.set $a (i32.add (i32.mul (local.get $a) (i32.const %1$d)) (i32.wrap_i64 (local.get $b))))
                (local.set $b (i64.xor (i64.rotl (local.get $b) (i64.const 5)) (i64.extend_i32_u (local.get $a))))
                (local.set $c (f32.add (local.get $c) (f32.convert_i32_s (i32.and (local.get $a) (i32.const 255)))))
                (local.set $d (f64.mul (local.get $d) (f64.const 1.0001)))
                (block $x (block $y (block $z
                  (br_table $x $y $z (i32.and (local.get $a) (i32.const 3))))
                  (local.set $a (i32.add (local.get $a) (i32.const %1$d))) (br $x))
                  (local.set $b (i64.sub (local.get $b) (i64.const %1$d))))
                local.get $a
                local.get $e
                block (param i32) (result i32 i32) i32.const 7 end
                i32.mul
                i32.add
                local.set $a
                (if (i32.and (local.get $a) (i32.const 16))
                  (then (local.set $e (i32.add (local.get $e) (i32.const 1))))
                  (else (local.set $d (f64.add (local.get $d) (f64.const 0.5)))))
                """.formatted(i);
    }

    private static String module() {
        StringBuilder rounds = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            rounds.append(round(i));
            // branches out of the statement: to the loop (continue), and out of the loop (break)
            rounds.append("(br_if $next (i32.eq (i32.and (local.get $a) (i32.const 63)) (i32.const ").append(i)
                    .append(")))\n(br_if $done (i32.eq (i32.and (local.get $a) (i32.const 255)) (i32.const 200)))\n");
        }
        return """
                (module
                  (memory (export "memory") 1)
                  (func $mix (export "mix") (param $a i32) (param $b i64) (param $c f32) (param $d f64) (param $n i32)
                      (result f64)
                    (local $i i32) (local $e i32) (local $unused f64)
                    (block $done
                      (loop $next
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
                        %1$s
                        (br $next)))
                    (f64.add (f64.add (f64.convert_i32_u (local.get $a)) (f64.convert_i64_s (local.get $b)))
                             (f64.add (f64.promote_f32 (local.get $c))
                                      (f64.add (local.get $d) (f64.convert_i32_u (local.get $e))))))
                  (func $store (export "store") (param $a i32) (param $b i64)
                    (local $c f32) (local $d f64) (local $e i32) (local $n i32) (local $i i32)
                    (local.set $n (i32.const 3))
                    (block $done (loop $next
                      %1$s
                      (if (i32.eq (i32.and (local.get $a) (i32.const 7)) (i32.const 5)) (then return))
                      (i32.store (i32.const 0) (local.get $a))
                      (i64.store (i32.const 8) (local.get $b))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))))
                  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
                  (func (export "trap") (param $a i32) (param $t i32) (result i32) (local $b i64) (local $c f32) (local $d f64)
                      (local $e i32)
                    %2$s
                    (if (i32.eq (local.get $t) (i32.const 77)) (then unreachable (drop (i32.const 1))))
                    block $x br $x i32.add drop end
                    %2$s
                    (local.get $a)))
                """.formatted(rounds, round(1) + round(2));
    }

    private static Instance compiled(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        return Instance.builder(module).withMachineFactory(MachineFactoryCompiler.compile(module)).build();
    }

    private static int functions(byte[] wasm) {
        return Parser.parse(wasm).functionSection().functionCount();
    }

    @Test
    void outlinedFunctionsComputeWhatTheOriginalsDo() {
        byte[] original = Wat2Wasm.parse(module());
        byte[] outlined = FunctionOutliner.outline(original, SMALL);
        assertNotSame(original, outlined);
        int added = functions(outlined) - functions(original);
        assertTrue(added > 20, "many runs moved out: " + added);
        Instance before = compiled(original);
        Instance after = compiled(outlined);
        Random random = new Random(15);
        int distinct = 0;
        long previous = 0;
        for (int trial = 0; trial < 300; trial++) {
            long[] args = {random.nextInt(), random.nextLong(), Float.floatToRawIntBits(random.nextFloat()),
                    Double.doubleToRawLongBits(random.nextDouble()), random.nextInt(30)};
            long was = before.export("mix").apply(args)[0];
            assertEquals(was, after.export("mix").apply(args)[0], "mix " + Arrays.toString(args));
            distinct += was != previous ? 1 : 0;
            previous = was;

            long a = random.nextInt();
            long b = random.nextLong();
            before.export("store").apply(a, b);
            after.export("store").apply(a, b);
            for (int at : new int[] {0, 8}) {
                assertEquals(before.export("load").apply(at)[0], after.export("load").apply(at)[0],
                        "store " + a + " " + b + " at " + at);
            }
            long x = random.nextInt(100);
            if (x != 77) {
                assertEquals(before.export("trap").apply(x, x)[0], after.export("trap").apply(x, x)[0], "trap " + x);
            }
        }
        assertTrue(distinct > 250, "the inputs reach different results: " + distinct);
        assertThrows(TrapException.class, () -> after.export("trap").apply(1, 77));
        assertThrows(TrapException.class, () -> before.export("trap").apply(1, 77));
    }

    @Test
    void aFunctionRightAtTheThresholdIsLeftAloneAndOneByteMoreIsOutlined() {
        byte[] original = Wat2Wasm.parse(module());
        int largest = largestBody(original);
        byte[] at = FunctionOutliner.outline(original, new FunctionOutliner.Limits(largest, 60, 8));
        assertSame(original, at, "no body is over the threshold");
        byte[] over = FunctionOutliner.outline(original, new FunctionOutliner.Limits(largest - 1, 60, 8));
        assertNotSame(original, over);
        assertTrue(functions(over) > functions(original));
        Parser.parse(over); // validates
    }

    /**
     * A function shaped like Go's: a loop around nested blocks entered through one br_table on a "program counter"
     * local, each block's code after its end a few statements that jump back to the loop with a new counter, leave
     * by a br_if, or return a value. Runs of one block body are each a part of one segment, so the nests stay unless
     * the function is treated as huge.
     */
    private static String dispatch(int segments) {
        StringBuilder code = new StringBuilder("(module (func (export \"g\") (param $pc i32) (param $x i32) (result i32)"
                + " (local $acc i32) (local $n i32) (local $w i64)\n (block $out (loop $top\n");
        for (int i = segments - 1; i >= 0; i--) {
            code.append("(block $b").append(i).append(' ');
        }
        code.append("(br_table");
        for (int i = 0; i < segments; i++) {
            code.append(" $b").append(i);
        }
        code.append(" $out (local.get $pc)))\n");
        for (int i = 0; i < segments; i++) {
            code.append("""
                    (local.set $n (i32.add (local.get $n) (i32.const 1)))
                    (if (i32.gt_u (local.get $n) (i32.const 40)) (then (return (i32.add (local.get $acc) (i32.const %1$d)))))
                    (local.set $acc (i32.xor (i32.mul (local.get $acc) (i32.const 31)) (i32.add (local.get $x) (i32.const %1$d))))
                    (local.set $w (i64.add (local.get $w) (i64.extend_i32_u (local.get $acc))))
                    (br_if $out (i32.eq (i32.and (local.get $acc) (i32.const 127)) (i32.const %1$d)))
                    (local.set $pc (i32.rem_u (i32.add (local.get $acc) (i32.const %1$d)) (i32.const %2$d)))
                    (br $top))
                    """.formatted(i, segments + 1));
        }
        code.append(") (i32.add (local.get $acc) (i32.wrap_i64 (local.get $w)))))"); // the last segment ends the loop
        return code.toString();
    }

    @Test
    void aHugeGoShapedFunctionIsCutDownAndComputesTheSame() {
        byte[] original = Wat2Wasm.parse(dispatch(24));
        int size = largestBody(original);
        FunctionOutliner.Limits loops = new FunctionOutliner.Limits(100, 60, 8, true);
        int loopsLargest = largestBody(FunctionOutliner.outline(original, loops));
        assertTrue(loopsLargest > size / 2, "the nests stay without the treatment of huge functions: " + loopsLargest);
        FunctionOutliner.Limits huge = new FunctionOutliner.Limits(100, 60, 8, true, size / 3, size / 5);
        byte[] outlined = FunctionOutliner.outline(original, huge);
        assertNotSame(original, outlined);
        Parser.parse(outlined); // validates
        assertTrue(largestBody(outlined) <= size / 3, "every function is under the limit: " + largestBody(outlined));
        assertTrue(functions(outlined) >= functions(original) + 2, "more than one round");
        Instance before = compiled(original);
        Instance after = compiled(outlined);
        java.util.Set<Long> results = new java.util.HashSet<>();
        for (long pc = 0; pc <= 25; pc++) {
            for (long x = 0; x < 40; x++) {
                long was = before.export("g").apply(pc, x * 7919)[0];
                assertEquals(was, after.export("g").apply(pc, x * 7919)[0], "g " + pc + " " + x);
                results.add(was);
            }
        }
        assertTrue(results.size() > 500, "the inputs reach different results: " + results.size());
    }

    /** The size of the largest function body of a module. */
    private static int largestBody(byte[] wasm) {
        int[] largest = {0};
        WasmBytes.readSections(wasm, (id, c, end) -> {
            if (id == WasmBytes.CODE_SECTION) {
                int count = c.u32();
                for (int i = 0; i < count; i++) {
                    int size = c.u32();
                    largest[0] = Math.max(largest[0], size);
                    c.skip(size);
                }
            }
            return null;
        });
        return largest[0];
    }

    @Test
    void underTheDefaultRuleOnlyRunsInsideALoopMove() {
        String statements = "(local.set 0 (i32.add (i32.mul (local.get 0) (i32.const 3)) (local.get 1)))\n".repeat(30);
        FunctionOutliner.Limits onlyLoops = new FunctionOutliner.Limits(100, 60, 8, true);
        FunctionOutliner.Limits anywhere = new FunctionOutliner.Limits(100, 60, 8);
        byte[] straight = Wat2Wasm.parse("(module (func (export \"f\") (param i32 i32) (result i32) " + statements
                + " (block " + statements + ") (local.get 0)))");
        assertSame(straight, FunctionOutliner.outline(straight, onlyLoops), "no loop: nothing moves");
        assertNotSame(straight, FunctionOutliner.outline(straight, anywhere), "the same function moves anywhere");

        // Straight code before and after a loop; in the loop, statements directly in it and inside a block in it.
        byte[] looped = Wat2Wasm.parse("(module (func (export \"f\") (param i32 i32) (result i32) (local $i i32) "
                + statements + " (loop $l " + statements + " (block " + statements + ")"
                + " (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                + " (br_if $l (i32.lt_u (local.get $i) (i32.const 5)))) " + statements + " (local.get 0)))");
        byte[] inLoops = FunctionOutliner.outline(looped, onlyLoops);
        byte[] everywhere = FunctionOutliner.outline(looped, anywhere);
        int movedInLoops = functions(inLoops) - functions(looped);
        int movedEverywhere = functions(everywhere) - functions(looped);
        assertTrue(movedInLoops >= 2, "both runs in the loop move: " + movedInLoops);
        assertTrue(movedEverywhere >= movedInLoops + 2,
                "the runs before and after the loop stay: " + movedInLoops + " of " + movedEverywhere);
        Instance before = compiled(looped);
        Instance after = compiled(inLoops);
        Random random = new Random(16);
        for (int trial = 0; trial < 50; trial++) {
            long a = random.nextInt();
            long b = random.nextInt();
            assertEquals(before.export("f").apply(a, b)[0], after.export("f").apply(a, b)[0], "f " + a + " " + b);
        }
    }

    @Test
    void runsThatLeaveByABranchCarryingAValueOrByABrTableStayInPlace() {
        // Each round: a statement that leaves the outer block with a value (br_if $out), one that leaves through
        // a br_table naming $out, and one that only branches inside itself; only the last kind may move.
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            body.append("(local.set 0 (i32.add (local.get 0) (i32.const ").append(i).append(")))\n")
                    .append("(drop (br_if $out (local.get 0) (i32.eq (local.get 0) (i32.const ").append(100 + i)
                    .append("))))\n")
                    .append("(drop (block $a (result i32) (br_table $a $out (i32.const 5) (i32.and (local.get 1) (i32.const ")
                    .append(i % 2).append(")))))\n")
                    .append("(drop (block $v (result i32) (br_if $v (i32.const ").append(i)
                    .append(") (local.get 0)) (drop) (i32.const 1)))\n");
        }
        byte[] original = Wat2Wasm.parse("(module (func (export \"f\") (param i32 i32) (result i32)\n"
                + "(block $out (result i32) " + body + " (local.get 0))))");
        byte[] outlined = FunctionOutliner.outline(original, SMALL);
        Parser.parse(outlined);
        Instance before = compiled(original);
        Instance after = compiled(outlined);
        for (int x = 95; x < 130; x++) {
            for (int y = 0; y < 2; y++) {
                assertEquals(before.export("f").apply(x, y)[0], after.export("f").apply(x, y)[0], "f " + x + " " + y);
            }
        }
    }

    @Test
    void hostileModulesAreLeftAsTheyAreOrOutlinedWithoutBlowingUp() {
        // 100,000 nested blocks around one statement (built by hand: wabt does not go that deep). The walk keeps its
        // own stack, nothing recurses.
        byte[] nested = nestedBlocks(100_000);
        assertEquals(8, compiled(nested).export("f").apply(7)[0]);
        long started = System.nanoTime();
        byte[] out = FunctionOutliner.outline(nested, SMALL);
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "bounded work");
        Parser.parse(out);

        byte[] truncated = Arrays.copyOf(nested, nested.length - 5);
        assertSame(truncated, FunctionOutliner.outline(truncated, SMALL));
        byte[] notWasm = "not a module".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertSame(notWasm, FunctionOutliner.outline(notWasm, SMALL));
        String statements = "(local.set 0 (i32.add (local.get 0) (i32.const 3)))\n".repeat(40);
        byte[] simd = Wat2Wasm.parse("(module (func (export \"f\") (param i32) (result i32) " + statements
                + " (drop (v128.const i64x2 1 2)) " + statements + " (local.get 0)))");
        assertSame(simd, FunctionOutliner.outline(simd, SMALL), "SIMD is not understood: the module is unchanged");
        byte[] plain = Wat2Wasm.parse("(module (func (export \"f\") (param i32) (result i32) " + statements
                + statements + " (local.get 0)))");
        byte[] outlined = FunctionOutliner.outline(plain, SMALL);
        assertNotSame(plain, outlined);
        assertEquals(240 + 5, compiled(outlined).export("f").apply(5)[0]);
    }

    /** {@code (func (export "f") (param i32) (result i32))} whose one statement is inside {@code depth} blocks. */
    private static byte[] nestedBlocks(int depth) {
        WasmBytes.Out body = new WasmBytes.Out(3 * depth + 16);
        body.u32(0);
        for (int i = 0; i < depth; i++) {
            body.write(0x02);
            body.write(0x40);
        }
        for (int b : new int[] {0x20, 0, 0x41, 1, 0x6a, 0x21, 0}) { // local.set 0 (i32.add (local.get 0) 1)
            body.write(b);
        }
        for (int i = 0; i < depth; i++) {
            body.write(0x0b);
        }
        body.write(0x20);
        body.write(0);
        body.write(0x0b);
        WasmBytes.Out code = new WasmBytes.Out(body.size() + 8);
        code.u32(1);
        code.u32(body.size());
        code.write(body);
        WasmBytes.Out m = new WasmBytes.Out(code.size() + 64);
        m.write(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f, 3, 2, 1, 0,
                7, 5, 1, 1, 'f', 0, 0}, 0, 27);
        m.section(WasmBytes.CODE_SECTION, code);
        return m.toByteArray();
    }

    @Test
    void zigsLargestFunctionsBecomeMethodsTheJitCanCompile() throws Exception {
        byte[] zig = CodeReshaper.reshape(Files.readAllBytes(Path.of("../samples/zig-tools/zig-tools.wasm")));
        byte[] outlined = FunctionOutliner.outline(zig, FunctionOutliner.Limits.DEFAULT);
        assertNotSame(zig, outlined);
        Map<Integer, Integer> before = MethodSizes.of(zig);
        Map<Integer, Integer> after = MethodSizes.of(outlined);
        long hugeBefore = before.values().stream().filter(size -> size > 8000).count();
        long hugeAfter = after.values().stream().filter(size -> size > 8000).count();
        assertTrue(hugeAfter < hugeBefore, "methods over 8000 bytes: " + hugeBefore + " -> " + hugeAfter);
        // The SHA-256 block function (its rounds are in a loop) comes within the inlining budget with room to spare.
        long largeBefore = before.values().stream().filter(size -> size > 6000).count();
        long largeAfter = after.values().stream().filter(size -> size > 6000).count();
        assertTrue(largeAfter <= largeBefore / 2, "methods over 6000 bytes: " + largeBefore + " -> " + largeAfter);
        int total = before.values().stream().mapToInt(Integer::intValue).sum();
        int totalAfter = after.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(totalAfter < total * 1.25, "bytecode grows a little: " + total + " -> " + totalAfter);
    }
}
