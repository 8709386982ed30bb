package io.mcpwasm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the execution samples of a JFR recording: the hottest methods by self time (top frame) and by total
 * time (anywhere on the stack), and the sampled threads.
 *
 * <p>Usage: {@code JfrTop <recording.jfr> [topN]}
 */
public final class JfrTop {
    private JfrTop() {}

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> waits = new HashMap<>();
        Map<String, Integer> categories = new HashMap<>();
        Map<String, Map<String, Integer>> callers = new HashMap<>();
        int guest = 0;
        int samples = 0;
        long waitedMillis = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            if (WAITS.contains(type) && e.getStackTrace() != null) {
                long ms = e.getDuration().toMillis();
                waitedMillis += ms;
                String t = e.getThread() == null ? "?" : String.valueOf(e.getThread().getJavaName());
                String where = e.getStackTrace().getFrames().stream().map(JfrTop::name)
                        .filter(n -> !n.startsWith("java.") && !n.startsWith("jdk.") && !n.startsWith("sun."))
                        .findFirst().orElse("?");
                waits.merge(type.substring(4) + " " + t.replaceAll("[0-9]+", "N") + " at " + where, (int) ms,
                        Integer::sum);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            samples++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            self.merge(name(frames.get(0)), 1, Integer::sum);
            for (int i = 1; i < frames.size(); i++) {
                String caller = name(frames.get(i));
                if (!caller.equals(name(frames.get(0))) && !caller.startsWith("java.")
                        && !caller.startsWith("jdk.")) {
                    callers.computeIfAbsent(name(frames.get(0)), k -> new HashMap<>()).merge(caller, 1, Integer::sum);
                    break;
                }
            }
            if (thread != null && thread.startsWith("mcpwasm-") && !thread.startsWith("mcpwasm-events")
                    && !thread.startsWith("mcpwasm-timer")) {
                guest++;
                categories.merge(category(frames), 1, Integer::sum);
            }
            frames.stream().map(JfrTop::name).distinct().forEach(n -> total.merge(n, 1, Integer::sum));
        }
        System.out.println("execution samples: " + samples);
        print("threads", threads, samples, top);
        print("guest threads by what the top frame is doing (% of guest-thread samples, " + guest + ")",
                categories, guest, top);
        print("self (top frame)", self, samples, top);
        System.out.println("-- first non-JDK callers of the 4 hottest methods (share of that method's samples)");
        self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(4)
                .forEach(en -> {
                    System.out.println("   " + en.getKey() + " <-");
                    callers.getOrDefault(en.getKey(), Map.of()).entrySet().stream()
                            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(3)
                            .forEach(c -> System.out.printf("      %5.1f%%  %s%n", 100.0 * c.getValue() / en.getValue(),
                                    c.getKey()));
                });
        print("total (on stack)", total, samples, top);
        System.out.println("-- blocked (park, sleep, monitor wait >= the recording's threshold), ms: " + waitedMillis);
        waits.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%8d ms  %s%n", en.getValue(), en.getKey()));
    }

    private static final java.util.Set<String> WAITS = java.util.Set.of("jdk.ThreadPark", "jdk.ThreadSleep",
            "jdk.JavaMonitorWait");

    /** What a guest thread's sample is doing, judged by its top frame and the stack. */
    private static String category(List<RecordedFrame> frames) {
        RecordedFrame f = frames.get(0);
        String type = f.getMethod().getType().getName();
        boolean jvmInterpreted = "Interpreted".equals(f.getType());
        boolean underChicoryInterpreter = frames.stream()
                .anyMatch(x -> x.getMethod().getType().getName().equals("run.endive.runtime.InterpreterMachine"));
        if (type.contains(".$gen.")) {
            return jvmInterpreted ? "compiled wasm code, still run by the JVM's bytecode interpreter (not JIT-compiled)"
                    : "compiled wasm code, JIT-compiled";
        }
        if (type.startsWith("io.mcpwasm.wasi") || type.startsWith("io.mcpwasm.internal.GuestProcess")) {
            return "mcpwasm WASI host functions";
        }
        if (type.contains("Memory") || type.startsWith("java.nio.") || type.startsWith("jdk.internal.misc.Unsafe")) {
            return "linear memory access (Memory implementations: Chicory, mcpwasm, ByteBuffer/Unsafe)";
        }
        if (underChicoryInterpreter) {
            return "Chicory interpreter (functions the compiler refused)";
        }
        if (type.startsWith("com.dylibso.chicory")) {
            return "other Chicory runtime";
        }
        return "other (" + type.replaceAll("\\.[^.]*$", "") + ")";
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type + "." + f.getMethod().getName() + (f.isJavaFrame() ? "" : " [native]")
                + ("Interpreted".equals(f.getType()) ? " [interpreted]" : "");
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(en -> System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, samples),
                        en.getKey()));
    }
}
