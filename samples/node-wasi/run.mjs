// Runs one of the sample MCP servers (wasm32-wasip1) under node's own WASI
// implementation, a second runtime to compare mcpwasm with.
//
//   node --no-warnings run.mjs go-workspace|zig-tools|rust-notes [path/to/server.wasm]
//   node --no-warnings run.mjs --wasm x.wasm [--mount /guest=/host/dir]... < messages.jsonl
//
// With a sample name it sends that sample's scenario: initialize,
// notifications/initialized, tools/list, one tools/call per tool (plus a few
// calls that must fail), and prints every line the server wrote to stdout.
//
// node's fd_read on a pipe with no input queued behaves like end of input for a
// blocking guest, so the whole input is written to a temporary file first and
// that file becomes the guest's stdin; the server sees end of input after the
// last message and exits.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.resolve(here, '..');

function request(id, method, params) {
  const m = { jsonrpc: '2.0', id, method };
  if (params !== undefined) m.params = params;
  return m;
}
function call(id, name, args) {
  return request(id, 'tools/call', { name, arguments: args });
}
const handshake = [
  request(1, 'initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'node-wasi-check', version: '0.1.0' },
  }),
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  request(2, 'tools/list', {}),
  request(3, 'ping', {}),
  request(4, 'no/such/method', {}),
];

function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const s = path.join(from, e.name);
    const d = path.join(to, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else fs.copyFileSync(s, d);
  }
}

// Each scenario: wasm file, mounts (guest -> host dir), messages.
const scenarios = {
  'go-workspace': (tmp) => {
    const docs = path.join(tmp, 'workspace');
    copyDir(path.join(samples, 'go-workspace', 'sample-docs'), docs);
    return {
      wasm: path.join(samples, 'go-workspace', 'go-workspace.wasm'),
      mounts: { '/workspace': docs },
      messages: [
        ...handshake,
        call(10, 'list_files', { pattern: '**/*.md' }),
        call(11, 'read_file', { path: 'notes/todo.txt', offset: 6, limit: 20 }),
        call(12, 'search_text', { pattern: 'Portugal', maxResults: 5 }),
        call(13, 'file_info', { path: 'data/cities.csv' }),
        call(20, 'read_file', { path: 'missing.txt' }),
        call(21, 'search_text', { pattern: '([a-z' }),
        call(22, 'read_file', { path: '../etc/passwd' }),
        call(23, 'file_info', {}),
      ],
    };
  },
  'zig-tools': () => ({
    wasm: path.join(samples, 'zig-tools', 'zig-tools.wasm'),
    mounts: {},
    messages: [
      ...handshake,
      call(10, 'sha256', { text: 'abc' }),
      call(11, 'base64_encode', { text: 'hello, wasm' }),
      call(12, 'base64_decode', { data: 'aGVsbG8sIHdhc20=' }),
      call(13, 'json_format', { json: '{"b":[1,2,{"c":null}],"a":"x"}' }),
      call(14, 'text_stats', { text: 'one two  three\nfour\n' }),
      call(20, 'base64_decode', { data: 'not base64!!' }),
      call(21, 'json_format', { json: '{"a":' }),
      call(22, 'sha256', {}),
      call(23, 'no_such_tool', {}),
    ],
  }),
  'rust-notes': (tmp) => {
    const notes = path.join(tmp, 'notes');
    fs.mkdirSync(notes);
    return {
      wasm: path.join(samples, 'rust-notes', 'rust-notes.wasm'),
      mounts: { '/notes': notes },
      messages: [
        ...handshake,
        call(10, 'add_note', { title: 'Groceries', body: 'milk, bread, coffee beans' }),
        call(11, 'add_note', { title: 'Ideas', body: 'a wasm sandbox for MCP servers' }),
        call(12, 'list_notes', {}),
        call(13, 'search_notes', { query: 'coffee' }),
        call(14, 'delete_note', { id: 'n-2' }),
        call(15, 'list_notes', {}),
        call(20, 'delete_note', { id: 'n-99' }),
        call(21, 'add_note', { title: '', body: 'x' }),
        call(22, 'add_note', { title: 'Huge', body: 'x'.repeat(2 * 1024 * 1024) }),
      ],
      // Second run against the same directory: notes persist across restarts.
      second: [...handshake.slice(0, 2), call(30, 'list_notes', {})],
    };
  },
};

const ERRNO_SUCCESS = 0;
const ERRNO_AGAIN = 6;
const ERRNO_BADF = 8;
const FDFLAGS_NONBLOCK = 4;
const EVENTTYPE_CLOCK = 0;
const EVENTTYPE_FD_READ = 1;
const EVENTRWFLAGS_HANGUP = 1;

// node's WASI with a virtual stdin holding the whole input.
//
// node's fd_read on an empty pipe ends a blocking guest as if at end of input,
// and its fd_fdstat_get does not report NONBLOCK back, so Go guests cannot
// park on stdin. Here fd 0 is served from memory instead:
// - a guest that never asked for NONBLOCK on fd 0 sees end of input once the
//   input is consumed (right for a blocking one-request-at-a-time server);
// - a guest that did (Go's wasip1 runtime does at start-up) gets EAGAIN and
//   parks in poll_oneoff; end of input is delivered only when it polls stdin
//   with no timer pending, i.e. when it is idle with every answer written, or
//   when it polls stdin after a second without reading or writing anything
//   (a guest that re-checks stdin on a timer, as guest-kits/rust's reader does).
// A WASI host that wants Go guests to answer while stdin stays open must give
// the same NONBLOCK/EAGAIN/poll_oneoff behaviour on a live stream.
function virtualStdinWasi(wasi, input) {
  const imports = wasi.getImportObject();
  const base = imports.wasi_snapshot_preview1;
  let memory = null;
  let pos = 0;
  let eof = false;
  let nonblock = false;
  let lastActivity = process.hrtime.bigint();
  const QUIET_NS = 1000000000n;
  const view = () => new DataView(memory.buffer);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const patched = {
    ...base,
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) return base.fd_read(fd, iovs, iovsLen, nreadPtr);
      const dv = view();
      if (pos >= input.length && !eof && nonblock) return ERRNO_AGAIN;
      let n = 0;
      for (let i = 0; i < iovsLen && pos < input.length; i++) {
        const ptr = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        const take = Math.min(len, input.length - pos);
        new Uint8Array(memory.buffer, ptr, take).set(input.subarray(pos, pos + take));
        pos += take;
        n += take;
      }
      if (n > 0) lastActivity = process.hrtime.bigint();
      dv.setUint32(nreadPtr, n, true);
      return ERRNO_SUCCESS;
    },
    fd_write(fd, iovs, iovsLen, nwrittenPtr) {
      if (fd === 1) lastActivity = process.hrtime.bigint();
      return base.fd_write(fd, iovs, iovsLen, nwrittenPtr);
    },
    fd_fdstat_set_flags(fd, flags) {
      if (fd !== 0) return base.fd_fdstat_set_flags(fd, flags);
      nonblock = (flags & FDFLAGS_NONBLOCK) !== 0;
      return ERRNO_SUCCESS;
    },
    fd_fdstat_get(fd, ptr) {
      const r = base.fd_fdstat_get(fd, ptr);
      if (fd === 0 && r === ERRNO_SUCCESS) {
        const dv = view();
        const flags = dv.getUint16(ptr + 2, true);
        dv.setUint16(ptr + 2, nonblock ? flags | FDFLAGS_NONBLOCK : flags & ~FDFLAGS_NONBLOCK, true);
      }
      return r;
    },
    poll_oneoff(inPtr, outPtr, nsubs, neventsPtr) {
      const dv = view();
      const subs = [];
      for (let i = 0; i < nsubs; i++) {
        const at = inPtr + i * 48;
        subs.push({
          userdata: dv.getBigUint64(at, true),
          tag: dv.getUint8(at + 8),
          fd: dv.getUint32(at + 16, true),
          timeout: dv.getBigUint64(at + 24, true),
          abstime: (dv.getUint16(at + 40, true) & 1) !== 0,
        });
      }
      if (!subs.some((s) => s.tag === EVENTTYPE_FD_READ && s.fd === 0)) {
        return base.poll_oneoff(inPtr, outPtr, nsubs, neventsPtr);
      }
      const write = (list) => {
        list.forEach((e, i) => {
          const at = outPtr + i * 32;
          for (let k = 0; k < 32; k++) dv.setUint8(at + k, 0);
          dv.setBigUint64(at, e.sub.userdata, true);
          dv.setUint16(at + 8, e.errno ?? ERRNO_SUCCESS, true);
          dv.setUint8(at + 10, e.sub.tag);
          dv.setBigUint64(at + 16, BigInt(e.nbytes ?? 0), true);
          dv.setUint16(at + 24, e.flags ?? 0, true);
        });
        dv.setUint32(neventsPtr, list.length, true);
        return ERRNO_SUCCESS;
      };
      const stdinSubs = subs.filter((s) => s.tag === EVENTTYPE_FD_READ && s.fd === 0);
      const others = subs.filter((s) => s.tag !== EVENTTYPE_CLOCK && !(s.tag === EVENTTYPE_FD_READ && s.fd === 0));
      if (pos < input.length || eof) {
        const left = input.length - pos;
        return write([
          ...stdinSubs.map((sub) => ({ sub, nbytes: left, flags: eof ? EVENTRWFLAGS_HANGUP : 0 })),
          ...others.map((sub) => ({ sub })),
        ]);
      }
      if (others.length > 0) return write(others.map((sub) => ({ sub })));
      if (stdinSubs.length > 0 && process.hrtime.bigint() - lastActivity > QUIET_NS) {
        // Quiet for a second with the input consumed: the guest is polling on a timer, deliver end of input.
        eof = true;
        return write(stdinSubs.map((sub) => ({ sub, flags: EVENTRWFLAGS_HANGUP })));
      }
      const clocks = subs.filter((s) => s.tag === EVENTTYPE_CLOCK);
      if (clocks.length > 0) {
        // A timer is pending: let it fire, stdin stays open.
        const now = process.hrtime.bigint();
        const waits = clocks.map((c) => (c.abstime ? c.timeout - now : c.timeout));
        const ns = waits.reduce((a, b) => (a < b ? a : b));
        if (ns > 0n) Atomics.wait(sleeper, 0, 0, Number(ns / 1000000n) + 1);
        return write(clocks.filter((_, i) => waits[i] <= ns).map((sub) => ({ sub })));
      }
      // Idle with nothing left to read: deliver end of input.
      eof = true;
      return write(stdinSubs.map((sub) => ({ sub, flags: EVENTRWFLAGS_HANGUP })));
    },
  };
  // MCPWASM_TRACE_WASI=1 counts the WASI calls the guest makes (printed to stderr at exit).
  const counts = new Map();
  const traced = process.env.MCPWASM_TRACE_WASI
    ? Object.fromEntries(
        Object.entries(patched).map(([name, fn]) => [
          name,
          (...args) => {
            counts.set(name, (counts.get(name) ?? 0) + 1);
            return fn(...args);
          },
        ]),
      )
    : patched;
  return {
    counts,
    imports: { ...imports, wasi_snapshot_preview1: traced },
    bind(instance) {
      memory = instance.exports.memory;
    },
  };
}

// Runs the guest with the whole input as its stdin; returns exit code and stdout.
function runGuest(wasmPath, mounts, lines, tmp, tag) {
  const outFile = path.join(tmp, `stdout-${tag}.jsonl`);
  const outFd = fs.openSync(outFile, 'w');
  const nullFd = fs.openSync('/dev/null', 'r');
  let code;
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: [path.basename(wasmPath, '.wasm')],
      env: {},
      preopens: mounts,
      stdin: nullFd,
      stdout: outFd,
      stderr: 2,
      returnOnExit: true,
    });
    const input = Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)) + '\n').join(''));
    const v = virtualStdinWasi(wasi, input);
    const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
    const instance = new WebAssembly.Instance(module, v.imports);
    v.bind(instance);
    try {
      code = wasi.start(instance);
    } finally {
      if (process.env.MCPWASM_TRACE_WASI) {
        const list = [...v.counts.entries()].sort().map(([n, c]) => `${n}=${c}`);
        console.error(`WASI calls (${tag}): ${list.join(' ')}`);
      }
    }
  } finally {
    // The guest may already have closed its stdio (uvwasi then closes ours).
    for (const fd of [nullFd, outFd]) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed by the guest */
      }
    }
  }
  return { code, out: fs.readFileSync(outFile, 'utf8') };
}

function main(argv) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpwasm-node-'));
  try {
    if (argv[0] === '--wasm') {
      const mounts = {};
      for (let i = 2; i < argv.length; i += 2) {
        if (argv[i] !== '--mount') throw new Error(`unknown option ${argv[i]}`);
        const [g, h] = argv[i + 1].split('=');
        mounts[g] = path.resolve(h);
      }
      const input = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
      const r = runGuest(path.resolve(argv[1]), mounts, input, tmp, 'raw');
      process.stdout.write(r.out);
      process.exitCode = r.code;
      return;
    }
    const make = scenarios[argv[0]];
    if (!make) throw new Error(`usage: run.mjs ${Object.keys(scenarios).join('|')} [file.wasm] | --wasm f.wasm [--mount /g=/h]...`);
    const sc = make(tmp);
    const wasm = argv[1] ? path.resolve(argv[1]) : sc.wasm;
    const r = runGuest(wasm, sc.mounts, sc.messages, tmp, 'first');
    process.stdout.write(r.out);
    if (r.code !== 0) console.error(`exit code ${r.code}`);
    if (sc.second) {
      const r2 = runGuest(wasm, sc.mounts, sc.second, tmp, 'second');
      process.stdout.write(r2.out);
      if (r2.code !== 0) console.error(`exit code ${r2.code} (second run)`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
