package io.mcpwasm.integrations.mcpsdk;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal MCP server written in WebAssembly text, compiled with wabt when the tests run: a WASI command that
 * reads JSON-RPC lines from stdin and answers on stdout. It handles {@code initialize}, {@code ping},
 * {@code tools/list} and {@code tools/call} with three tools:
 * <ul>
 *   <li>{@code echo}: answers {@code "echo: " + arguments.text};</li>
 *   <li>{@code crash}: traps ({@code unreachable}) in the middle of the call;</li>
 *   <li>{@code garble}: writes a line that is not JSON.</li>
 * </ul>
 * Its JSON handling is deliberately tiny: it finds {@code "id":}, the method and the tool name by substring in the
 * compact, single-line requests the SDK sends ({@code id} precedes {@code params} there). Any other method gets
 * {@code -32601}; messages without an id or without a method (notifications, responses) get no answer.
 * End of input ends {@code _start}, a clean exit.
 */
final class EchoGuest {
    static final String NAME = "wat-echo";

    private static final int CONSTANTS = 1024;

    private static final Map<String, String> STRINGS = new LinkedHashMap<>();

    static {
        STRINGS.put("NEWLINE", "\n");
        STRINGS.put("ID_KEY", "\"id\":");
        STRINGS.put("METHOD_KEY", "\"method\":");
        STRINGS.put("TEXT_KEY", "\"text\":");
        STRINGS.put("M_INIT", "\"method\":\"initialize\"");
        STRINGS.put("M_PING", "\"method\":\"ping\"");
        STRINGS.put("M_LIST", "\"method\":\"tools/list\"");
        STRINGS.put("M_CALL", "\"method\":\"tools/call\"");
        STRINGS.put("N_ECHO", "\"name\":\"echo\"");
        STRINGS.put("N_CRASH", "\"name\":\"crash\"");
        STRINGS.put("N_GARBLE", "\"name\":\"garble\"");
        STRINGS.put("PREFIX", "{\"jsonrpc\":\"2.0\",\"id\":");
        STRINGS.put("INIT_RESULT", ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                + "\"serverInfo\":{\"name\":\"" + NAME + "\",\"version\":\"1.0.0\"}}");
        STRINGS.put("EMPTY_RESULT", ",\"result\":{}");
        STRINGS.put("LIST_RESULT", ",\"result\":{\"tools\":["
                + "{\"name\":\"echo\",\"description\":\"Answers with its text argument\","
                + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},"
                + "\"required\":[\"text\"]}},"
                + "{\"name\":\"crash\",\"description\":\"Traps\",\"inputSchema\":{\"type\":\"object\"}},"
                + "{\"name\":\"garble\",\"description\":\"Writes a line that is not JSON\","
                + "\"inputSchema\":{\"type\":\"object\"}}]}");
        STRINGS.put("ECHO_A", ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"echo: ");
        STRINGS.put("ECHO_B", "\"}],\"isError\":false}");
        STRINGS.put("NO_TEXT", ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"missing text\"}],"
                + "\"isError\":true}");
        STRINGS.put("UNKNOWN_TOOL", ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"unknown tool\"}],"
                + "\"isError\":true}");
        STRINGS.put("NOT_FOUND", ",\"error\":{\"code\":-32601,\"message\":\"method not found\"}");
        STRINGS.put("END", "}\n");
        STRINGS.put("GARBAGE", "this is not JSON-RPC\n");
    }

    // Memory: 0 iovec, 8 result count, 1024.. constants, 65536.. input line buffer, 131072.. output buffer.
    private static final String WAT = """
            (module
              (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 4)
              (global $inLen (mut i32) (i32.const 0))
              (global $outLen (mut i32) (i32.const 0))
              @DATA@

              ;; index of needle in [h, h+hl), or -1
              (func $find (param $h i32) (param $hl i32) (param $n i32) (param $nl i32) (result i32)
                (local $i i32) (local $j i32)
                (block $none
                  (loop $outer
                    (br_if $none (i32.gt_s (i32.add (local.get $i) (local.get $nl)) (local.get $hl)))
                    (local.set $j (i32.const 0))
                    (block $mismatch
                      (loop $inner
                        (if (i32.eq (local.get $j) (local.get $nl)) (then (return (local.get $i))))
                        (br_if $mismatch
                          (i32.ne (i32.load8_u (i32.add (local.get $h) (i32.add (local.get $i) (local.get $j))))
                                  (i32.load8_u (i32.add (local.get $n) (local.get $j)))))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br $inner)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $outer)))
                (i32.const -1))

              (func $has (param $h i32) (param $hl i32) (param $n i32) (param $nl i32) (result i32)
                (i32.ge_s (call $find (local.get $h) (local.get $hl) (local.get $n) (local.get $nl)) (i32.const 0)))

              ;; forward byte copy (safe for overlapping ranges when dst < src)
              (func $copy (param $dst i32) (param $src i32) (param $len i32)
                (local $k i32)
                (block $done
                  (loop $l
                    (br_if $done (i32.ge_u (local.get $k) (local.get $len)))
                    (i32.store8 (i32.add (local.get $dst) (local.get $k))
                                (i32.load8_u (i32.add (local.get $src) (local.get $k))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $l))))

              (func $emit (param $src i32) (param $len i32)
                (call $copy (i32.add (i32.const 131072) (global.get $outLen)) (local.get $src) (local.get $len))
                (global.set $outLen (i32.add (global.get $outLen) (local.get $len))))

              (func $flush
                (i32.store (i32.const 0) (i32.const 131072))
                (i32.store (i32.const 4) (global.get $outLen))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (global.set $outLen (i32.const 0)))

              (func $finish
                (call $emit @END@)
                (call $flush))

              ;; length of the JSON scalar at p (a string with its quotes, or a number), within [p, end)
              (func $valueLen (param $p i32) (param $end i32) (result i32)
                (local $q i32) (local $c i32)
                (local.set $q (local.get $p))
                (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 34))
                  (then
                    (local.set $q (i32.add (local.get $p) (i32.const 1)))
                    (block $done
                      (loop $l
                        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
                        (local.set $c (i32.load8_u (local.get $q)))
                        (if (i32.eq (local.get $c) (i32.const 92))
                          (then (local.set $q (i32.add (local.get $q) (i32.const 2))) (br $l)))
                        (if (i32.eq (local.get $c) (i32.const 34))
                          (then (return (i32.sub (i32.add (local.get $q) (i32.const 1)) (local.get $p)))))
                        (local.set $q (i32.add (local.get $q) (i32.const 1)))
                        (br $l)))
                    (return (i32.sub (local.get $q) (local.get $p)))))
                (block $done
                  (loop $l
                    (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
                    (local.set $c (i32.load8_u (local.get $q)))
                    (br_if $done (i32.eq (local.get $c) (i32.const 44)))
                    (br_if $done (i32.eq (local.get $c) (i32.const 125)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $l)))
                (i32.sub (local.get $q) (local.get $p)))

              (func $handle (param $p i32) (param $len i32)
                (local $at i32) (local $v i32) (local $vl i32) (local $end i32)
                (local.set $end (i32.add (local.get $p) (local.get $len)))
                (local.set $at (call $find (local.get $p) (local.get $len) @ID_KEY@))
                (if (i32.lt_s (local.get $at) (i32.const 0)) (then (return)))
                (if (i32.eqz (call $has (local.get $p) (local.get $len) @METHOD_KEY@)) (then (return)))
                (local.set $v (i32.add (i32.add (local.get $p) (local.get $at)) (i32.const 5)))
                (local.set $vl (call $valueLen (local.get $v) (local.get $end)))
                (call $emit @PREFIX@)
                (call $emit (local.get $v) (local.get $vl))
                (if (call $has (local.get $p) (local.get $len) @M_INIT@)
                  (then (call $emit @INIT_RESULT@) (call $finish) (return)))
                (if (call $has (local.get $p) (local.get $len) @M_PING@)
                  (then (call $emit @EMPTY_RESULT@) (call $finish) (return)))
                (if (call $has (local.get $p) (local.get $len) @M_LIST@)
                  (then (call $emit @LIST_RESULT@) (call $finish) (return)))
                (if (call $has (local.get $p) (local.get $len) @M_CALL@)
                  (then
                    (if (call $has (local.get $p) (local.get $len) @N_CRASH@) (then (unreachable)))
                    (if (call $has (local.get $p) (local.get $len) @N_GARBLE@)
                      (then
                        (global.set $outLen (i32.const 0))
                        (call $emit @GARBAGE@)
                        (call $flush)
                        (return)))
                    (if (call $has (local.get $p) (local.get $len) @N_ECHO@)
                      (then
                        (local.set $at (call $find (local.get $p) (local.get $len) @TEXT_KEY@))
                        (if (i32.lt_s (local.get $at) (i32.const 0))
                          (then (call $emit @NO_TEXT@) (call $finish) (return)))
                        (local.set $v (i32.add (i32.add (local.get $p) (local.get $at)) (i32.const 7)))
                        (local.set $vl (call $valueLen (local.get $v) (local.get $end)))
                        (call $emit @ECHO_A@)
                        ;; the string's content without its quotes, escapes kept as they are
                        (call $emit (i32.add (local.get $v) (i32.const 1)) (i32.sub (local.get $vl) (i32.const 2)))
                        (call $emit @ECHO_B@)
                        (call $finish)
                        (return)))
                    (call $emit @UNKNOWN_TOOL@)
                    (call $finish)
                    (return)))
                (call $emit @NOT_FOUND@)
                (call $finish))

              (func (export "_start")
                (local $nl i32) (local $n i32)
                (loop $next
                  (local.set $nl (call $find (i32.const 65536) (global.get $inLen) @NEWLINE@))
                  (if (i32.ge_s (local.get $nl) (i32.const 0))
                    (then
                      (call $handle (i32.const 65536) (local.get $nl))
                      (call $copy (i32.const 65536) (i32.add (i32.const 65537) (local.get $nl))
                                  (i32.sub (global.get $inLen) (i32.add (local.get $nl) (i32.const 1))))
                      (global.set $inLen (i32.sub (global.get $inLen) (i32.add (local.get $nl) (i32.const 1))))
                      (br $next)))
                  ;; a line longer than the buffer: give up
                  (if (i32.ge_u (global.get $inLen) (i32.const 65536)) (then (unreachable)))
                  (i32.store (i32.const 0) (i32.add (i32.const 65536) (global.get $inLen)))
                  (i32.store (i32.const 4) (i32.sub (i32.const 65536) (global.get $inLen)))
                  (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (then (return)))
                  (local.set $n (i32.load (i32.const 8)))
                  (if (i32.eqz (local.get $n)) (then (return)))
                  (global.set $inLen (i32.add (global.get $inLen) (local.get $n)))
                  (br $next)))
            )
            """;

    private EchoGuest() {}

    /** The module's WebAssembly text, with its string constants laid out in data segments. */
    static String wat() {
        StringBuilder data = new StringBuilder();
        Map<String, String> refs = new LinkedHashMap<>();
        int offset = CONSTANTS;
        for (var e : STRINGS.entrySet()) {
            byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
            data.append("(data (i32.const ").append(offset).append(") \"");
            for (byte b : bytes) {
                data.append('\\').append(String.format("%02x", b & 0xff));
            }
            data.append("\")\n  ");
            refs.put(e.getKey(), "(i32.const " + offset + ") (i32.const " + bytes.length + ")");
            offset += bytes.length;
        }
        if (offset > 65536) {
            throw new IllegalStateException("constants overflow into the input buffer");
        }
        refs.put("DATA", data.toString());
        Matcher m = Pattern.compile("@([A-Z_]+)@").matcher(WAT);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = refs.get(m.group(1));
            if (ref == null) {
                throw new IllegalStateException("no constant " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(ref));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The compiled module. */
    static byte[] wasm() {
        return Wat2Wasm.parse(wat());
    }
}
