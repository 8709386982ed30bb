package io.mcpwasm.wasi.http;

import run.endive.runtime.ExportFunction;
import run.endive.runtime.ImportValues;
import run.endive.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import java.nio.charset.StandardCharsets;

/**
 * A wasm guest written in WAT that imports the five {@code mcpwasm_http_v1} functions, re-exports each one
 * unchanged (so tests can pass any pointer, garbage included) and exports {@code fetch}, a whole GET/POST with a
 * bounded read loop written in wasm. Strings are laid out in the guest's memory by the test.
 */
final class HttpGuest {

    static final int METHOD = 1024;
    static final int URL = 2048;
    static final int HEADERS = 8192;
    static final int BODY = 16384;
    static final int OUT = 131072;      // 64 KiB output buffer at 128 KiB
    static final int OUT_CAP = 65536;
    static final int HANDLE = 8;
    static final int STATUS = 16;
    static final int TOTAL = 20;
    static final int N = 24;
    static final int PAGES = 3;

    private static final String WAT = """
        (module
          (import "mcpwasm_http_v1" "request"
            (func $request (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
          (import "mcpwasm_http_v1" "response_status" (func $status (param i32 i32) (result i32)))
          (import "mcpwasm_http_v1" "response_headers" (func $headers (param i32 i32 i32 i32) (result i32)))
          (import "mcpwasm_http_v1" "response_read" (func $read (param i32 i32 i32 i32) (result i32)))
          (import "mcpwasm_http_v1" "response_close" (func $close (param i32) (result i32)))
          (memory (export "memory") 3)
          (func (export "request") (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
            (call $request (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                           (local.get 5) (local.get 6) (local.get 7) (local.get 8)))
          (func (export "status") (param i32 i32) (result i32)
            (call $status (local.get 0) (local.get 1)))
          (func (export "headers") (param i32 i32 i32 i32) (result i32)
            (call $headers (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "read") (param i32 i32 i32 i32) (result i32)
            (call $read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
          (func (export "close") (param i32) (result i32)
            (call $close (local.get 0)))
          ;; fetch(method, method_len, url, url_len, headers, headers_len, body, body_len) -> errno
          ;; handle at 8, status at 16, bytes read at 20; body copied to 131072 (64 KiB at most).
          (func (export "fetch") (param $m i32) (param $ml i32) (param $u i32) (param $ul i32)
                                 (param $h i32) (param $hl i32) (param $b i32) (param $bl i32) (result i32)
            (local $err i32) (local $total i32) (local $i i32) (local $n i32)
            (i32.store (i32.const 20) (i32.const 0))
            (local.set $err (call $request (local.get $m) (local.get $ml) (local.get $u) (local.get $ul)
                                           (local.get $h) (local.get $hl) (local.get $b) (local.get $bl)
                                           (i32.const 8)))
            (if (local.get $err) (then (return (local.get $err))))
            (local.set $err (call $status (i32.load (i32.const 8)) (i32.const 16)))
            (if (local.get $err) (then (return (local.get $err))))
            (block $done
              (loop $more
                (br_if $done (i32.ge_u (local.get $i) (i32.const 100000)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $done (i32.ge_u (local.get $total) (i32.const 65536)))
                (local.set $err (call $read (i32.load (i32.const 8))
                                            (i32.add (i32.const 131072) (local.get $total))
                                            (i32.sub (i32.const 65536) (local.get $total))
                                            (i32.const 24)))
                (br_if $done (local.get $err))
                (local.set $n (i32.load (i32.const 24)))
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $total (i32.add (local.get $total) (local.get $n)))
                (br $more)))
            (i32.store (i32.const 20) (local.get $total))
            (drop (call $close (i32.load (i32.const 8))))
            (local.get $err))
        )
        """;

    private static final WasmModule MODULE = Parser.parse(Wat2Wasm.parse(WAT));

    final Instance instance;

    HttpGuest(HttpImports http) {
        this.instance = Instance.builder(MODULE)
                .withImportValues(ImportValues.builder().addFunction(http.hostFunctions()).build())
                .build();
    }

    long call(String export, long... args) {
        ExportFunction f = instance.export(export);
        return f.apply(args)[0];
    }

    int put(int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        instance.memory().write(at, b);
        return b.length;
    }

    int put(int at, byte[] b) {
        instance.memory().write(at, b);
        return b.length;
    }

    /** Runs the guest's whole fetch; returns the errno. */
    HttpError fetch(String method, String url, String headers, byte[] body) {
        int ml = put(METHOD, method);
        int ul = put(URL, url);
        int hl = put(HEADERS, headers);
        int bl = put(BODY, body);
        return code(call("fetch", METHOD, ml, URL, ul, HEADERS, hl, BODY, bl));
    }

    HttpError fetch(String url) {
        return fetch("GET", url, "", new byte[0]);
    }

    /** Starts a request and leaves it open; returns the errno (handle at {@link #HANDLE}). */
    HttpError open(String url) {
        int ml = put(METHOD, "GET");
        int ul = put(URL, url);
        return code(call("request", METHOD, ml, URL, ul, HEADERS, 0, BODY, 0, HANDLE));
    }

    int i32(int at) {
        return instance.memory().readInt(at);
    }

    int status() {
        return i32(STATUS);
    }

    String body() {
        return new String(instance.memory().readBytes(OUT, i32(TOTAL)), StandardCharsets.UTF_8);
    }

    int bodyLength() {
        return i32(TOTAL);
    }

    static HttpError code(long c) {
        HttpError e = HttpError.ofCode((int) c);
        if (e == null) {
            throw new AssertionError("unknown error code " + c);
        }
        return e;
    }
}
