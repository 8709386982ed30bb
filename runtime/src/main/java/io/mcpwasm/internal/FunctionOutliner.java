package io.mcpwasm.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wasm-to-wasm pass run before a module is compiled to JVM bytecode: parts of oversized functions are moved into
 * new functions, so that the JVM methods the compiler makes stay small enough for the JIT to compile them and to
 * inline the small helpers they call (C2 stops inlining into a method once it is over about 8000 bytes of bytecode,
 * "size > DesiredMethodLimit", and does not compile methods over 8000 bytes at all without
 * {@code -XX:-DontCompileHugeMethods}).
 *
 * <p>What is moved: in a function whose body is over {@link Limits#outlineAbove} bytes, a run of whole
 * <em>statements</em> of one block body inside a loop (a statement is the code between two points where that block's
 * operand stack is empty), at most {@link Limits#chunk} bytes long. Runs outside every loop stay: they run at most once
 * per call of their function, so moving them cannot speed up its loops, and each call of a new function costs a call
 * and, for two or more results, a {@code long[]} (see {@code Body#rewrite}). The run is replaced by {@code local.get} of every local
 * it touches, a {@code call} of a new function that takes those locals as parameters and returns the ones it writes
 * (multi-value results), and {@code local.set} of the results. The new function is the run with its local indices
 * renumbered, followed by {@code local.get} of the written locals. A local written only on some paths through the
 * run comes back unchanged, because every touched local goes in.
 *
 * <p>Branches: a run may contain any branch to a block inside it. A {@code br}, {@code br_if} or {@code return}
 * that leaves the run and carries no values (compilers emit {@code br_if} out of nested blocks everywhere) becomes,
 * in the new function, a branch out of a block wrapped around the run, after storing the label's number plus one
 * in an exit-code local that is returned last; after the call the caller compares the code with each label the run
 * can leave by and takes the same {@code br_if}. A run with a {@code br_table} out of it, or with a branch out of it
 * that carries values, stays in place.
 *
 * <p>Functions the compiler would refuse: a body over {@link Limits#hugeAbove} bytes (40,000 by default: its JVM
 * method would be near or over the JVM's 64 KiB limit, and Endive would run it on the interpreter) loses runs anywhere,
 * not only in loops, up to {@link Limits#hugeChunk} bytes each; such runs may also leave by a {@code br_table} (each
 * label it leaves by gets a block in the new function whose end stores that label's exit code) and by a
 * {@code return} of values (the new function returns them after the written locals, and the caller returns them when
 * the exit code says so). Go's functions are a loop around hundreds of nested blocks entered through one
 * {@code br_table}, so each statement is a whole nest; the pass is repeated (at most {@code MAX_ROUNDS} times) on the
 * functions still over the limit, each round moving the innermost part of what is left.
 *
 * <p>New functions and their types are appended after all existing ones, so every existing function and type index
 * (calls, exports, elements, the start function, the names section) keeps its meaning; nothing else changes. A
 * module this pass does not understand (SIMD, threads, exception handling, tail calls, GC types) is returned
 * unchanged, and so is a function with reference-typed locals in a run or too many locals for a JVM signature.
 *
 * <p>Work is linear in the module's size: one walk of each large body, one scan of each chosen run (twice at most
 * when a run must be halved because it touches too many locals), one copy.
 *
 * <p>On by default; the system property {@code mcpwasm.outliner=false} turns it off. In interleaved A/B runs
 * (benchmarks/results/2026-12-06/outlining.md, section "Version 2") Zig's sha256 of 1 MiB took 0.8× the time and the
 * trivial calls of the Zig, Rust and Go samples were unchanged. The compile cache keeps the two kinds of classes
 * apart (see {@link #cacheTag()}).
 */
public final class FunctionOutliner {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionOutliner.class);

    /** Changes whenever the pass's output for some input changes. */
    private static final int VERSION = 3;
    private static final boolean ENABLED = !"false".equals(System.getProperty("mcpwasm.outliner"));

    /** JVM parameter slots a new function may take (the JVM allows 255; i64 and f64 take two; Endive adds two). */
    private static final int MAX_PARAM_SLOTS = 200;
    private static final int MAX_RESULTS = 100;
    /** A function with more locals than this is left alone. */
    private static final int MAX_LOCALS = 50_000;

    /**
     * Sizes in bytes of wasm code. The compiler makes about 1.2 bytes of bytecode of each byte of wasm code (Zig's
     * SHA-256 compression: 5,400 bytes of wasm, 6,782 of bytecode).
     *
     * @param outlineAbove a function whose body is larger is outlined
     * @param chunk        the largest run moved into one function
     * @param minimum      the smallest run worth a call
     * @param onlyLoops    whether only runs inside a loop move (see {@code Body#rewrite})
     * @param hugeAbove    a function whose body is larger would be refused by the compiler (its JVM method would be
     *                     over 64 KiB): runs anywhere in it move, up to {@code hugeChunk} bytes each, including runs
     *                     with a {@code br_table} out of them or a {@code return} of values, and the pass is repeated
     *                     on what is still larger (see {@link #outline(byte[], Limits)})
     * @param hugeChunk    the largest run moved out of such a function
     */
    record Limits(int outlineAbove, int chunk, int minimum, boolean onlyLoops, int hugeAbove, int hugeChunk) {
        /** Version 2's limits: runs inside loops of functions over 3000 bytes. */
        static final Limits LOOPS = new Limits(3000, 1200, 150, true);
        /**
         * Version 3: version 2's, and functions over 40,000 bytes of wasm are cut down. The compiler makes 1.24 to
         * 1.35 bytes of bytecode of each byte of wasm in the 40 largest functions of go-sdk's memory server, whose
         * smallest refused function has 50,799 bytes (66 KB of bytecode) and largest compiled one 45,763 (57,410
         * bytes of bytecode); 40,000 bytes stays under the 65,535-byte method limit up to 1.64 bytes per byte.
         */
        static final Limits DEFAULT = new Limits(3000, 1200, 150, true, 40_000, 20_000);

        /** Limits under which runs move wherever they are. */
        Limits(int outlineAbove, int chunk, int minimum) {
            this(outlineAbove, chunk, minimum, false);
        }

        /** Limits without the treatment of functions the compiler would refuse. */
        Limits(int outlineAbove, int chunk, int minimum, boolean onlyLoops) {
            this(outlineAbove, chunk, minimum, onlyLoops, Integer.MAX_VALUE, 0);
        }

        /** The limits of a later round, which only cuts down the functions still over {@code hugeAbove}. */
        Limits hugeOnly() {
            return new Limits(hugeAbove, chunk, minimum, onlyLoops, hugeAbove, hugeChunk);
        }
    }

    /** Rounds of the pass at most: a huge function loses up to {@code hugeChunk} bytes of each nest per round. */
    private static final int MAX_ROUNDS = 10;

    private FunctionOutliner() {}

    /**
     * Part of the compile cache's layout: which version of the pass made the code that was compiled, or empty when
     * the pass is off (so that the layout is the one from before the pass).
     */
    public static String cacheTag() {
        return ENABLED ? "-outline" + VERSION : "";
    }

    /**
     * The module with its oversized functions outlined, or {@code wasm} itself when nothing was outlined, the module
     * is not understood or the pass is turned off.
     */
    public static byte[] outline(byte[] wasm) {
        return ENABLED ? outline(wasm, Limits.DEFAULT) : wasm;
    }

    /** {@link #outline(byte[])} with the given limits, whatever the system property says. */
    static byte[] outline(byte[] wasm, Limits limits) {
        try {
            Run first = new Run(wasm, limits);
            byte[] out = first.run();
            if (out == null) {
                return wasm;
            }
            // A huge function whose runs are nested (Go's: a loop around hundreds of nested blocks, entered through
            // one br_table) loses its innermost nest per round; later rounds look at what is still over the limit.
            boolean huge = first.huge;
            for (int round = 2; huge && round <= MAX_ROUNDS; round++) {
                Run next = new Run(out, limits.hugeOnly());
                byte[] again = next.run();
                if (again == null) {
                    break;
                }
                out = again;
                huge = next.huge;
            }
            return out;
        } catch (RuntimeException e) {
            LOG.debug("function outliner: module left as is: {}", e.toString());
            return wasm;
        }
    }

    /** A function type: value types as bytes. */
    private record Type(byte[] params, byte[] results) {
        String key() {
            return Arrays.toString(params) + Arrays.toString(results);
        }
    }

    /** How one module is rewritten. */
    private static final class Run implements WasmInstructions.Signatures {
        private final byte[] in;
        private final Limits limits;
        private final List<Type> types = new ArrayList<>();
        private final List<Integer> functionTypes = new ArrayList<>();
        private final List<Type> newTypes = new ArrayList<>();
        private final Map<String, Integer> typeIndex = new HashMap<>();
        private final List<Integer> newFunctionTypes = new ArrayList<>();
        private final List<byte[]> newBodies = new ArrayList<>();
        private WasmBytes.Out code;
        /** Whether a function over {@code hugeAbove} was outlined. */
        boolean huge;

        Run(byte[] in, Limits limits) {
            this.in = in;
            this.limits = limits;
        }

        /** The rewritten module, or null when nothing was outlined. */
        byte[] run() {
            WasmBytes.readSections(in, (id, c, end) -> {
                switch (id) {
                    case WasmBytes.TYPE_SECTION -> readTypes(c);
                    case WasmBytes.IMPORT_SECTION -> c.importedFunctions(end, functionTypes::add);
                    case WasmBytes.FUNCTION_SECTION -> {
                        int count = c.u32();
                        for (int i = 0; i < count; i++) {
                            functionTypes.add(c.u32());
                        }
                    }
                    case WasmBytes.CODE_SECTION -> code = code(c, end);
                    default -> { }
                }
                return null;
            });
            if (newBodies.isEmpty()) {
                return null;
            }
            return WasmBytes.rewriteSections(in, in.length + in.length / 4, (id, c, end) -> switch (id) {
                case WasmBytes.TYPE_SECTION -> typeSection(c, end);
                case WasmBytes.FUNCTION_SECTION -> functionSection(c, end);
                case WasmBytes.CODE_SECTION -> code;
                default -> null;
            });
        }

        private void readTypes(WasmBytes.Cursor c) {
            int count = c.u32();
            for (int i = 0; i < count; i++) {
                if (c.u8() != 0x60) {
                    throw new IllegalArgumentException("type " + i + " is not a plain function type");
                }
                byte[] params = valueTypes(c);
                byte[] results = valueTypes(c);
                types.add(new Type(params, results));
                typeIndex.putIfAbsent(new Type(params, results).key(), i);
            }
        }

        private static byte[] valueTypes(WasmBytes.Cursor c) {
            int count = c.u32();
            if (count > c.in.length - c.pos) {
                throw new IllegalArgumentException("value type count");
            }
            byte[] t = new byte[count];
            for (int i = 0; i < count; i++) {
                t[i] = (byte) WasmInstructions.valueType(c);
            }
            return t;
        }

        private WasmBytes.Out typeSection(WasmBytes.Cursor c, int end) {
            int count = c.u32();
            WasmBytes.Out out = new WasmBytes.Out(end - c.pos + newTypes.size() * 16 + 8);
            out.u32((long) count + newTypes.size());
            out.write(in, c.pos, end - c.pos);
            for (Type t : newTypes) {
                out.write(0x60);
                out.u32(t.params().length);
                out.write(t.params(), 0, t.params().length);
                out.u32(t.results().length);
                out.write(t.results(), 0, t.results().length);
            }
            return out;
        }

        private WasmBytes.Out functionSection(WasmBytes.Cursor c, int end) {
            int count = c.u32();
            WasmBytes.Out out = new WasmBytes.Out(end - c.pos + newFunctionTypes.size() * 3 + 8);
            out.u32((long) count + newFunctionTypes.size());
            out.write(in, c.pos, end - c.pos);
            for (int t : newFunctionTypes) {
                out.u32(t);
            }
            return out;
        }

        private WasmBytes.Out code(WasmBytes.Cursor c, int end) {
            int count = c.u32();
            int imported = functionTypes.size() - count;
            if (imported < 0) {
                throw new IllegalArgumentException("code and function sections differ");
            }
            WasmBytes.Out bodies = new WasmBytes.Out(end - c.pos + 1024);
            for (int i = 0; i < count; i++) {
                int bodySize = c.u32();
                int bodyStart = c.pos;
                int bodyEnd = Math.addExact(bodyStart, bodySize);
                if (bodyEnd > end) {
                    throw new IllegalArgumentException("function body past the code section");
                }
                boolean hugeBody = bodySize > limits.hugeAbove();
                byte[] body = bodySize > limits.outlineAbove()
                        ? new Body(this, c, bodyEnd, types.get(functionTypes.get(imported + i)), hugeBody).outline()
                        : null;
                huge |= hugeBody && body != null;
                if (body == null) {
                    bodies.u32(bodySize);
                    bodies.write(in, bodyStart, bodySize);
                } else {
                    bodies.u32(body.length);
                    bodies.write(body, 0, body.length);
                }
                c.pos = bodyEnd;
            }
            if (c.pos != end) {
                throw new IllegalArgumentException("code section size");
            }
            WasmBytes.Out out = new WasmBytes.Out(bodies.size() + 16);
            out.u32((long) count + newBodies.size());
            out.write(bodies);
            for (byte[] b : newBodies) {
                out.u32(b.length);
                out.write(b, 0, b.length);
            }
            return out;
        }

        /** Adds a function with this type and body; returns its function index. */
        int addFunction(Type type, byte[] body) {
            Integer index = typeIndex.get(type.key());
            if (index == null) {
                index = types.size() + newTypes.size();
                newTypes.add(type);
                typeIndex.put(type.key(), index);
            }
            newFunctionTypes.add(index);
            newBodies.add(body);
            return functionTypes.size() + newBodies.size() - 1;
        }

        @Override
        public long type(int index) {
            Type t = types.get(index);
            return ((long) t.params().length << 32) | t.results().length;
        }

        @Override
        public int functionType(int function) {
            return functionTypes.get(function);
        }
    }

    /**
     * A run chosen for outlining: code offsets, the frame it is in, whether that frame is a loop or inside one, and
     * the statement boundaries inside it (for halving).
     */
    private record Region(int start, int end, int frame, boolean inLoop, int[] boundaries) {}

    /**
     * What a region touches: locals as {@code index << 1 | written}, in index order; the labels (as seen where the
     * call goes) its branches leave by, in order; those of them a {@code br_table} leaves by (only in huge
     * functions), in order; whether it returns values (only in huge functions).
     */
    private record Touched(int[] locals, int[] exits, int[] tableExits, boolean returnsValues) {}

    /** One function body: walked once to choose runs, then copied with the runs replaced by calls. */
    private static final class Body {
        private final Run run;
        private final WasmBytes.Cursor c;
        private final int end;
        private final byte[] params;
        private final int functionResults;
        private final byte[] results;
        /** Over {@code hugeAbove}: see {@link Limits}. */
        private final boolean huge;
        private final int chunk;
        /** Whether a run may contain a {@code return} of values (huge functions with numeric results). */
        private final boolean returnsOut;
        private byte[] localTypes;
        private int codeStart;

        /** The last instruction read. */
        private final WasmInstructions d;
        private final List<Frame> frames = new ArrayList<>();
        // Scratch arrays indexed by local, made once per body: what a region does with each local, its new index.
        private byte[] seen; // 1 read, 3 written
        private int[] newIndex;
        private int[] seenList = new int[16];
        private final List<Region> regions = new ArrayList<>();

        Body(Run run, WasmBytes.Cursor c, int end, Type type, boolean huge) {
            this.run = run;
            this.c = c;
            this.end = end;
            this.params = type.params();
            this.results = type.results();
            this.functionResults = results.length;
            this.huge = huge;
            this.chunk = huge ? run.limits.hugeChunk() : run.limits.chunk();
            boolean numeric = true;
            for (byte t : results) {
                numeric &= t != 0x70 && t != 0x6f;
            }
            this.returnsOut = huge && numeric;
            this.d = new WasmInstructions(run);
        }

        /** One open block: its operand height and the statement and run being collected in its current body. */
        private static final class Frame {
            final int params;
            final int results;
            int height;
            boolean dead;
            int statementStart;
            final int index; // 0 for the function's body
            final int arity; // values a branch to this frame's label carries
            final boolean inLoop; // this frame is a loop or inside one
            // The outermost frame targeted by a branch in the current statement (and in the whole body) that a run
            // cannot leave by: a br_table, or a branch carrying values. Other branches out of a run are passed on.
            int statementMinBad = Integer.MAX_VALUE;
            int bodyMinBad = Integer.MAX_VALUE;
            int runStart = -1;
            int runEnd;
            int[] runBoundaries = new int[4];
            int runBoundaryCount;

            Frame(int index, int params, int results, boolean loop, boolean inLoop, int pos) {
                this.index = index;
                this.inLoop = inLoop;
                this.params = params;
                this.results = results;
                this.arity = loop ? params : results;
                this.height = params;
                this.statementStart = params == 0 ? pos : -1;
            }
        }

        /** The new body, or null when no run was outlined. */
        byte[] outline() {
            int bodyStart = c.pos;
            int groups = c.u32();
            long total = params.length;
            int groupsStart = c.pos;
            for (int g = 0; g < groups; g++) {
                total += c.u32();
                WasmInstructions.valueType(c);
                if (total > MAX_LOCALS) {
                    return null;
                }
            }
            localTypes = Arrays.copyOf(params, (int) total);
            c.pos = groupsStart;
            int next = params.length;
            for (int g = 0; g < groups; g++) {
                int n = c.u32();
                byte t = (byte) WasmInstructions.valueType(c);
                Arrays.fill(localTypes, next, next + n, t);
                next += n;
            }
            codeStart = c.pos;
            choose();
            if (regions.isEmpty()) {
                return null;
            }
            return rewrite(bodyStart);
        }

        /** Walks the code once and collects the runs in {@link #regions}. */
        private void choose() {
            frames.add(new Frame(0, 0, functionResults, false, false, c.pos));
            while (true) {
                if (c.pos >= end) {
                    throw new IllegalArgumentException("function body without its end");
                }
                decode();
                Frame f = frames.get(frames.size() - 1);
                int depth = frames.size() - 1;
                switch (d.kind) {
                    case WasmInstructions.BLOCK -> {
                        pop(f, d.pops + d.blockParams);
                        frames.add(new Frame(depth + 1, d.blockParams, d.blockResults, d.opcode == 0x03,
                                d.opcode == 0x03 || f.inLoop, c.pos));
                        continue;
                    }
                    case WasmInstructions.ELSE -> {
                        closeRun(f);
                        f.height = f.params;
                        f.dead = false;
                        f.statementStart = f.params == 0 ? c.pos : -1;
                        f.statementMinBad = Integer.MAX_VALUE;
                        continue;
                    }
                    case WasmInstructions.END -> {
                        closeRun(f);
                        frames.remove(depth);
                        if (depth == 0) {
                            if (c.pos != end) {
                                throw new IllegalArgumentException("code after the function's end");
                            }
                            sortRegions();
                            return;
                        }
                        Frame parent = frames.get(depth - 1);
                        parent.statementMinBad = Math.min(parent.statementMinBad, f.bodyMinBad);
                        parent.bodyMinBad = Math.min(parent.bodyMinBad, f.bodyMinBad);
                        parent.height += f.results;
                    }
                    case WasmInstructions.BRANCH, WasmInstructions.JUMP -> {
                        // return's target is the function's own label: frame 0
                        int count = d.opcode == 0x0f ? 1 : d.targetCount();
                        for (int i = 0; i < count; i++) {
                            int t = d.opcode == 0x0f ? depth : d.target(i);
                            int target = depth - t;
                            if (target < 0) {
                                throw new IllegalArgumentException("branch to label " + t);
                            }
                            if (!mayLeave(target)) {
                                f.statementMinBad = Math.min(f.statementMinBad, target);
                                f.bodyMinBad = Math.min(f.bodyMinBad, target);
                            }
                        }
                        if (d.kind == WasmInstructions.JUMP) {
                            f.dead = true;
                            closeRun(f);
                            continue;
                        }
                        pop(f, d.pops);
                        f.height += d.pushes;
                    }
                    default -> {
                        pop(f, d.pops);
                        f.height += d.pushes;
                    }
                }
                Frame g = frames.get(frames.size() - 1);
                if (!g.dead && g.height == 0) {
                    statementEnds(g, frames.size() - 1);
                }
            }
        }

        /** Whether a run may contain the last instruction, a branch to frame {@code target} (0 the function). */
        private boolean mayLeave(int target) {
            if (d.opcode == 0x0f) {
                return functionResults == 0 || returnsOut;
            }
            return frames.get(target).arity == 0 && (d.opcode != 0x0e || huge);
        }

        private static void pop(Frame f, int n) {
            if (f.dead) {
                return;
            }
            f.height -= n;
            if (f.height < 0) {
                throw new IllegalArgumentException("operand stack underflow");
            }
        }

        /** Frame {@code f}'s operand stack is empty again at {@code c.pos}: one statement ends there. */
        private void statementEnds(Frame f, int index) {
            int start = f.statementStart;
            int stop = c.pos;
            f.statementStart = stop;
            boolean escapes = f.statementMinBad <= index;
            f.statementMinBad = Integer.MAX_VALUE;
            if (start < 0 || escapes || stop - start > chunk) {
                closeRun(f);
                return;
            }
            if (f.runStart >= 0 && stop - f.runStart > chunk) {
                closeRun(f);
            }
            if (f.runStart < 0) {
                f.runStart = start;
                f.runBoundaryCount = 0;
            }
            f.runEnd = stop;
            if (f.runBoundaryCount == f.runBoundaries.length) {
                f.runBoundaries = Arrays.copyOf(f.runBoundaries, f.runBoundaryCount * 2);
            }
            f.runBoundaries[f.runBoundaryCount++] = stop;
        }

        private void closeRun(Frame f) {
            if (f.runStart >= 0 && f.runEnd - f.runStart >= run.limits.minimum()) {
                regions.add(new Region(f.runStart, f.runEnd, f.index, f.inLoop,
                        Arrays.copyOf(f.runBoundaries, f.runBoundaryCount)));
            }
            f.runStart = -1;
        }

        /** Orders the runs by position and drops those inside an outer run (outer runs are closed later). */
        private void sortRegions() {
            regions.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start())
                    : Integer.compare(b.end(), a.end()));
            List<Region> kept = new ArrayList<>();
            int reached = -1;
            for (Region r : regions) {
                if (r.start() >= reached) {
                    kept.add(r);
                    reached = r.end();
                }
            }
            regions.clear();
            regions.addAll(kept);
        }

        /** The body with its regions replaced by calls (and the new functions added to the run). */
        private byte[] rewrite(int bodyStart) {
            WasmBytes.Out code = new WasmBytes.Out(end - codeStart + 64);
            int copied = codeStart;
            int exitLocal = localTypes.length; // the caller's new local for the exit code, when a region needs it
            boolean any = false;
            boolean exits = false;
            boolean returnsValues = false;
            List<Region> pending = new ArrayList<>(regions);
            for (int i = 0; i < pending.size(); i++) {
                Region r = pending.get(i);
                Touched touched = touched(r);
                if (touched == null) {
                    // Too many locals or a reference-typed one: halve at a statement boundary, or leave it.
                    int[] b = r.boundaries();
                    if (b.length >= 2) {
                        int split = b.length / 2;
                        int mid = b[split - 1];
                        pending.add(i + 1, new Region(mid, r.end(), r.frame(), r.inLoop(), Arrays.copyOfRange(b, split, b.length)));
                        pending.set(i, new Region(r.start(), mid, r.frame(), r.inLoop(), Arrays.copyOfRange(b, 0, split)));
                        i--;
                    }
                    continue;
                }
                // A run outside every loop runs at most once per call of its function, so moving it cannot make
                // the function's loops any faster, while each call of the new function costs a call and, when it
                // returns two or more values, a new long[] (how Endive returns them). Rust's allocator is the case
                // in point: 7,700 bytes of bytecode of branches without a loop, called for every allocation and
                // running a small part of itself each time; outlined, every call paid for pieces that returned up
                // to 14 values (65 KB allocated per list_notes call instead of 24 KB).
                if (r.end() - r.start() < run.limits.minimum() || run.limits.onlyLoops() && !huge && !r.inLoop()) {
                    continue;
                }
                code.write(c.in, copied, r.start() - copied);
                replace(r, touched, exitLocal, code);
                copied = r.end();
                any = true;
                exits |= touched.exits().length > 0;
                returnsValues |= touched.returnsValues();
            }
            if (!any) {
                return null;
            }
            code.write(c.in, copied, end - copied);
            c.pos = bodyStart;
            int groups = c.u32();
            WasmBytes.Out out = new WasmBytes.Out(code.size() + codeStart - bodyStart + 8);
            int returnLocals = returnsValues ? functionResults : 0;
            out.u32(groups + (exits ? 1 : 0) + returnLocals);
            out.write(c.in, c.pos, codeStart - c.pos);
            if (exits) {
                out.u32(1);
                out.write(0x7f);
            }
            for (int i = 0; i < returnLocals; i++) { // exitLocal + 1 + i: the values a region returns
                out.u32(1);
                out.write(results[i]);
            }
            out.write(code);
            return out.toByteArray();
        }

        /** What {@code r} touches; null when its locals do not fit in a JVM signature or one is a reference. */
        private Touched touched(Region r) {
            if (seen == null) {
                seen = new byte[localTypes.length];
                newIndex = new int[localTypes.length];
            }
            int count = 0;
            int nesting = 0;
            java.util.TreeSet<Integer> exits = new java.util.TreeSet<>();
            java.util.TreeSet<Integer> tableExits = new java.util.TreeSet<>();
            boolean returns = false;
            c.pos = r.start();
            while (c.pos < r.end()) {
                decode();
                if (d.isLocalAccess()) {
                    int local = d.localIndex;
                    if (local < 0 || local >= localTypes.length) {
                        throw new IllegalArgumentException("local " + local);
                    }
                    if (seen[local] == 0) {
                        if (count == seenList.length) {
                            seenList = Arrays.copyOf(seenList, count * 2);
                        }
                        seenList[count++] = local;
                    }
                    seen[local] |= (byte) (d.opcode == 0x20 ? 1 : 3);
                } else if (d.kind == WasmInstructions.BLOCK) {
                    nesting++;
                } else if (d.kind == WasmInstructions.END) {
                    nesting--;
                } else if (d.opcode == 0x0f) {
                    exits.add(r.frame());
                    returns = true;
                } else if (d.kind == WasmInstructions.BRANCH || d.kind == WasmInstructions.JUMP) {
                    for (int i = 0; i < d.targetCount(); i++) {
                        int label = d.target(i);
                        if (label >= nesting) {
                            exits.add(label - nesting);
                            if (d.opcode == 0x0e) {
                                tableExits.add(label - nesting);
                            }
                        }
                    }
                }
            }
            // Work per region is its own size: the arrays indexed by local are cleared through the list of those seen.
            Arrays.sort(seenList, 0, count);
            int[] touched = new int[count];
            int slots = 0;
            int results = 0;
            boolean reference = false;
            for (int n = 0; n < count; n++) {
                int i = seenList[n];
                byte t = localTypes[i];
                reference |= t == 0x70 || t == 0x6f;
                slots += t == 0x7e || t == 0x7c ? 2 : 1;
                boolean written = seen[i] == 3;
                results += written ? 1 : 0;
                touched[n] = i << 1 | (written ? 1 : 0);
                seen[i] = 0;
            }
            boolean returnsValues = returns && functionResults > 0;
            if (returnsValues) {
                results += functionResults;
            }
            if (reference || slots > MAX_PARAM_SLOTS || results > MAX_RESULTS) {
                return null;
            }
            return new Touched(touched, exits.stream().mapToInt(Integer::intValue).toArray(),
                    tableExits.stream().mapToInt(Integer::intValue).toArray(), returnsValues);
        }

        /**
         * Writes the call that replaces {@code r}, and adds the new function. A branch out of the region becomes, in
         * the new function, a branch out of a block around the region that leaves the branch's label (plus one) in an
         * exit-code local, returned last; after the call, the caller takes the same branch when the code says so.
         */
        private void replace(Region r, Touched t, int exitLocal, WasmBytes.Out out) {
            int[] touched = t.locals();
            boolean exits = t.exits().length > 0;
            int[] pads = t.tableExits();
            int returned = t.returnsValues() ? functionResults : 0;
            byte[] paramTypes = new byte[touched.length];
            int results = 0;
            for (int i = 0; i < touched.length; i++) {
                int local = touched[i] >>> 1;
                newIndex[local] = i;
                paramTypes[i] = localTypes[local];
                results += touched[i] & 1;
            }
            int code = touched.length; // the new function's exit-code local; the returned values' locals follow
            byte[] resultTypes = new byte[results + returned + (exits ? 1 : 0)];
            int[] written = new int[results];
            int w = 0;
            for (int local : touched) {
                if ((local & 1) != 0) {
                    written[w] = local >>> 1;
                    resultTypes[w++] = localTypes[local >>> 1];
                }
            }
            System.arraycopy(this.results, 0, resultTypes, results, returned);
            if (exits) {
                resultTypes[results + returned] = 0x7f;
            }
            WasmBytes.Out body = new WasmBytes.Out(r.end() - r.start() + 4 * touched.length + 16);
            if (exits) {
                body.u32(1 + returned);
                body.u32(1);
                body.write(0x7f);
                for (int i = 0; i < returned; i++) {
                    body.u32(1);
                    body.write(this.results[i]);
                }
                body.write(0x02); // block
                body.write(0x40);
            } else {
                body.u32(0); // no locals beyond the parameters
            }
            // A br_table out of the region goes to a block per label it leaves by (pad j, j labels below the block
            // around the region), whose end stores that label's exit code.
            for (int j = 0; j < pads.length; j++) {
                body.write(0x02);
                body.write(0x40);
            }
            int nesting = 0;
            c.pos = r.start();
            while (c.pos < r.end()) {
                int start = c.pos;
                decode();
                if (d.isLocalAccess()) {
                    body.write(d.opcode);
                    body.u32(newIndex[d.localIndex]);
                    continue;
                }
                if (d.kind == WasmInstructions.BLOCK) {
                    nesting++;
                } else if (d.kind == WasmInstructions.END) {
                    nesting--;
                }
                int exit = d.opcode == 0x0f ? r.frame()
                        : (d.opcode == 0x0c || d.opcode == 0x0d) && d.target(0) >= nesting ? d.target(0) - nesting
                        : -1;
                if (d.opcode == 0x0e && pads.length > 0) {
                    body.write(0x0e);
                    body.u32(d.targetCount() - 1);
                    for (int i = 0; i < d.targetCount(); i++) {
                        int label = d.target(i);
                        body.u32(label < nesting ? label : nesting + Arrays.binarySearch(pads, label - nesting));
                    }
                } else if (exit < 0) {
                    body.write(c.in, start, c.pos - start);
                } else if (d.opcode == 0x0d) {
                    body.write(0x04); // if
                    body.write(0x40);
                    exitWith(body, code, exit, nesting + 1 + pads.length);
                    body.write(0x0b);
                } else {
                    for (int i = d.opcode == 0x0f ? returned - 1 : -1; i >= 0; i--) { // return: keep its values
                        body.write(0x21);
                        body.u32(code + 1 + i);
                    }
                    exitWith(body, code, exit, nesting + pads.length);
                }
            }
            if (pads.length > 0) {
                body.write(0x0c); // the region's own end: past the pads
                body.u32(pads.length);
                for (int j = 0; j < pads.length; j++) {
                    body.write(0x0b);
                    exitWith(body, code, pads[j], pads.length - 1 - j);
                }
            }
            if (exits) {
                body.write(0x0b);
            }
            for (int local : written) {
                body.write(0x20);
                body.u32(newIndex[local]);
            }
            for (int i = 0; i < returned; i++) {
                body.write(0x20);
                body.u32(code + 1 + i);
            }
            if (exits) {
                body.write(0x20);
                body.u32(code);
            }
            body.write(0x0b);
            int function = run.addFunction(new Type(paramTypes, resultTypes), body.toByteArray());
            for (int local : touched) {
                out.write(0x20);
                out.u32(local >>> 1);
            }
            out.write(0x10);
            out.u32(function);
            if (exits) {
                out.write(0x21);
                out.u32(exitLocal);
            }
            for (int i = returned - 1; i >= 0; i--) {
                out.write(0x21);
                out.u32(exitLocal + 1 + i);
            }
            for (int i = written.length - 1; i >= 0; i--) {
                out.write(0x21);
                out.u32(written[i]);
            }
            for (int label : t.exits()) {
                out.write(0x20);
                out.u32(exitLocal);
                out.write(0x41);
                out.s64(label + 1);
                out.write(0x46); // i32.eq
                if (returned > 0 && label == r.frame()) { // a return of values in the region: the same here
                    out.write(0x04);
                    out.write(0x40);
                    for (int i = 0; i < returned; i++) {
                        out.write(0x20);
                        out.u32(exitLocal + 1 + i);
                    }
                    out.write(0x0f);
                    out.write(0x0b);
                } else {
                    out.write(0x0d); // br_if
                    out.u32(label);
                }
            }
        }

        /** {@code code = label + 1}, then a branch out of the block around the region, {@code depth} labels up. */
        private static void exitWith(WasmBytes.Out body, int codeLocal, int label, int depth) {
            body.write(0x41);
            body.s64(label + 1);
            body.write(0x21);
            body.u32(codeLocal);
            body.write(0x0c);
            body.u32(depth);
        }

        /** Decodes the instruction at {@code c.pos} into {@link #d}; tail calls are not understood. */
        private void decode() {
            d.next(c, end);
            if (d.opcode == 0x12 || d.opcode == 0x13) {
                throw new IllegalArgumentException("tail call");
            }
        }
    }
}
