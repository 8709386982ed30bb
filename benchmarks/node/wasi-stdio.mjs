// Runs a wasm32-wasip1 MCP server that reads stdin blocking, one request at a
// time (zig-tools), under node's WASI as a live stdio server: the benchmarks'
// node baseline, driven over stdin/stdout like the native subprocess.
//
//   node --no-warnings wasi-stdio.mjs path/to/server.wasm
//
// fd 0 is served by a blocking fs.readSync on the real stdin instead of
// node's own fd_read (which gives a blocking guest end of input when a pipe
// is momentarily empty); everything else is node's WASI unchanged.
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import path from 'node:path';

const ERRNO_SUCCESS = 0;
const ERRNO_IO = 29;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function main(argv) {
  if (argv.length !== 1) {
    console.error('usage: wasi-stdio.mjs server.wasm');
    process.exit(2);
  }
  const wasmPath = path.resolve(argv[0]);
  const wasi = new WASI({
    version: 'preview1',
    args: [path.basename(wasmPath, '.wasm')],
    env: {},
    stdin: 0,
    stdout: 1,
    stderr: 2,
    returnOnExit: true,
  });
  const imports = wasi.getImportObject();
  const base = imports.wasi_snapshot_preview1;
  let memory = null;
  const patched = {
    ...base,
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) return base.fd_read(fd, iovs, iovsLen, nreadPtr);
      const dv = new DataView(memory.buffer);
      for (let i = 0; i < iovsLen; i++) {
        const ptr = dv.getUint32(iovs + i * 8, true);
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        if (len === 0) continue;
        const target = new Uint8Array(memory.buffer, ptr, len);
        for (;;) {
          try {
            const n = fs.readSync(0, target, 0, len, null);
            dv.setUint32(nreadPtr, n, true);
            return ERRNO_SUCCESS;
          } catch (e) {
            if (e.code === 'EAGAIN') {
              Atomics.wait(sleeper, 0, 0, 1);
              continue;
            }
            if (e.code === 'EOF') {
              dv.setUint32(nreadPtr, 0, true);
              return ERRNO_SUCCESS;
            }
            return ERRNO_IO;
          }
        }
      }
      dv.setUint32(nreadPtr, 0, true);
      return ERRNO_SUCCESS;
    },
  };
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { ...imports, wasi_snapshot_preview1: patched });
  memory = instance.exports.memory;
  process.exitCode = wasi.start(instance);
}

main(process.argv.slice(2));
