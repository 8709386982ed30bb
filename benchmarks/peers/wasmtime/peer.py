#!/usr/bin/env python3
"""Runs a wasm32-wasip1 MCP server under wasmtime (the PyPI binding, Cranelift) and drives it with the JSON-RPC lines
the Java suite sends (written by io.mcpwasm.bench.PeerLines), one request at a time: the wasmtime row of the
benchmarks.

    peer.py --wasm x.wasm --lines dir --sample zig-tools [--mount /guest=/host[:ro]] [--seconds 5] [--starts 10]

The binding's WASI takes stdin and stdout as files only, so the guest gets two named pipes, opened here read-write
first (so that neither side blocks opening them). Guests that poll stdin (poll_oneoff) are not served this way:
the Go sample (whose runtime switches stdin to non-blocking and polls it) never gets its first line this way,
so run.sh does not run it here; the Rust sample, which polls too, is served.

Prints one JSON object like the wazero driver: compile_ms, warm_start, call and (zig-tools) compute, min and median.
"""
import argparse
import json
import os
import tempfile
import threading
import time

import wasmtime


def stats(samples):
    samples = sorted(samples)
    return {"n": len(samples), "min_us": samples[0] * 1e6, "p50_us": samples[len(samples) // 2] * 1e6}


def read_lines(path):
    with open(path, "rb") as f:
        return [l.rstrip(b"\n") for l in f if l.strip()]


class Server:
    """One instance of the compiled module on its own thread, with a pipe as stdin and one as stdout."""

    def __init__(self, engine, linker, module, name, mounts, tmp):
        self.dir = tempfile.mkdtemp(dir=tmp)
        stdin_path = os.path.join(self.dir, "in")
        stdout_path = os.path.join(self.dir, "out")
        os.mkfifo(stdin_path)
        os.mkfifo(stdout_path)
        self.stdin = os.open(stdin_path, os.O_RDWR)
        self.stdout_fd = os.open(stdout_path, os.O_RDWR)
        self.stdout = os.fdopen(self.stdout_fd, "rb", buffering=0)
        self.buffer = b""
        wasi = wasmtime.WasiConfig()
        wasi.argv = [name]
        wasi.stdin_file = stdin_path
        wasi.stdout_file = stdout_path
        for m in mounts:
            guest, host = m.split("=", 1)
            if host.endswith(":ro"):
                wasi.preopen_dir(host[:-3], guest, fs_mutable=False)
            else:
                wasi.preopen_dir(host, guest)
        self.store = wasmtime.Store(engine)
        self.store.set_wasi(wasi)
        instance = linker.instantiate(self.store, module)
        self.start = instance.exports(self.store)["_start"]
        self.error = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.start(self.store)
        except wasmtime.ExitTrap as e:
            if e.code != 0:
                self.error = e
        except Exception as e:  # reported by stop()
            self.error = e

    def _read_line(self):
        while b"\n" not in self.buffer:
            chunk = self.stdout.read(1 << 20)
            if not chunk:
                raise RuntimeError("the server closed its stdout")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def send(self, line, must_succeed):
        data = line + b"\n"
        while data:
            n = os.write(self.stdin, data)
            data = data[n:]
        if b'"id":' not in line[:64]:  # a notification (PeerLines' lines put the id first)
            return None
        answer = self._read_line()
        if must_succeed and (b'"isError":true' in answer or b'"error":{' in answer):
            raise RuntimeError("error answer: %s" % answer[:300])
        return answer

    def stop(self):
        # EOF on the guest's stdin: the last writer closes (it is opened read-write here, so close ours).
        os.close(self.stdin)
        self.thread.join(10)
        self.stdout.close()
        if self.error is not None:
            raise self.error


def loop(server, line, seconds):
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < 3 or time.perf_counter() < end:
        t = time.perf_counter()
        server.send(line, True)
        samples.append(time.perf_counter() - t)
    return samples


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wasm", required=True)
    p.add_argument("--lines", required=True)
    p.add_argument("--sample", required=True)
    p.add_argument("--mount", action="append", default=[])
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--starts", type=int, default=10)
    a = p.parse_args()
    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    t0 = time.perf_counter()
    module = wasmtime.Module.from_file(engine, a.wasm)
    import importlib.metadata
    result = {"runtime": "wasmtime", "version": importlib.metadata.version("wasmtime"), "sample": a.sample,
              "compile_ms": (time.perf_counter() - t0) * 1e3}
    handshake = read_lines(os.path.join(a.lines, a.sample + "-start.jsonl"))
    setup = read_lines(os.path.join(a.lines, a.sample + "-setup.jsonl"))
    with tempfile.TemporaryDirectory() as tmp:
        def open_server():
            s = Server(engine, linker, module, a.sample, a.mount, tmp)
            for l in handshake:
                s.send(l, False)
            return s

        starts = []
        for _ in range(a.starts):
            t = time.perf_counter()
            s = open_server()
            starts.append(time.perf_counter() - t)
            s.stop()
        result["warm_start"] = stats(starts)
        s = open_server()
        for l in setup:
            s.send(l, True)
        call = read_lines(os.path.join(a.lines, a.sample + "-call.jsonl"))[0]
        loop(s, call, a.seconds)
        result["call"] = stats(loop(s, call, a.seconds))
        if a.sample == "zig-tools":
            compute = read_lines(os.path.join(a.lines, "compute.jsonl"))[0]
            loop(s, compute, a.seconds)
            result["compute"] = stats(loop(s, compute, a.seconds))
        s.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
