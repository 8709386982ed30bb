// Runs a guest under node 20's node:wasi with the same host tree the Java tests lay out, so the guests can be
// checked against a second runtime. node's WASI is NOT a sandbox (it follows symlinks out of preopens): a
// refusal missing here says nothing about mcpwasm. Usage:
//   node --no-warnings node-check.mjs hostile.wasm [attack|all]
//   node --no-warnings node-check.mjs fileops.wasm
import { WASI } from 'node:wasi';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [wasmPath, attack = 'all'] = process.argv.slice(2);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpwasm-guest-'));
const p = (...x) => path.join(root, ...x);

fs.mkdirSync(p('outside', 'emptydir'), { recursive: true });
fs.writeFileSync(p('outside', 'secret.txt'), 'TOP SECRET outside\n');
fs.symlinkSync('secret.txt', p('outside', 'link-in-outside'));
fs.writeFileSync(p('sibling.txt'), 'sibling\n');
fs.mkdirSync(p('rw', 'sub'), { recursive: true });
fs.writeFileSync(p('rw', 'file.txt'), 'rw file\n');
fs.writeFileSync(p('rw', 'sub', 'a.txt'), 'inside a\n');
fs.symlinkSync(p('outside', 'secret.txt'), p('rw', 'abs_file'));
fs.symlinkSync(p('outside'), p('rw', 'abs_dir'));
fs.symlinkSync('../outside/secret.txt', p('rw', 'rel_file'));
fs.symlinkSync('../outside', p('rw', 'rel_dir'));
fs.symlinkSync('../../outside', p('rw', 'sub', 'up'));
fs.symlinkSync('chain2', p('rw', 'chain1'));
fs.symlinkSync('rel_dir', p('rw', 'chain2'));
fs.symlinkSync('loop2', p('rw', 'loop1'));
fs.symlinkSync('loop1', p('rw', 'loop2'));
fs.symlinkSync('self', p('rw', 'self'));
fs.symlinkSync('../outside/created-through-dangle.txt', p('rw', 'dangle'));
fs.symlinkSync('sub/a.txt', p('rw', 'in_link'));
fs.symlinkSync('../outside/emptydir', p('rw', 'ed_link'));
fs.mkdirSync(p('ro', 'rdir'), { recursive: true });
fs.mkdirSync(p('ro', 'rsub'), { recursive: true });
fs.writeFileSync(p('ro', 'r.txt'), 'ro file\n');
fs.writeFileSync(p('ro', 'rsub', 'x.txt'), 'ro x\n');
fs.symlinkSync('../outside/secret.txt', p('ro', 'ro_link'));
fs.mkdirSync(p('empty'));
fs.mkdirSync(p('secrets'));
fs.writeFileSync(p('secrets', 'token'), 's3cr3t-token');
fs.mkdirSync(p('data'));
fs.writeFileSync(p('data', 'input.txt'), 'line one\nline two\n');

const hostile = attack !== 'fileops';
const wasi = new WASI({
  version: 'preview1',
  args: hostile ? ['hostile', attack, root] : ['fileops'],
  env: { ALLOWED: 'yes' },
  preopens: hostile
    ? { '/rw': p('rw'), '/ro': p('ro'), '/empty': p('empty'), '/run/secrets': p('secrets') }
    : { '/data': p('data') },
  returnOnExit: true,
});
const mod = await WebAssembly.compile(fs.readFileSync(wasmPath));
const inst = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport });
let code;
try {
  code = wasi.start(inst);
} catch (e) {
  console.log('trap', e.message);
}
console.error('exit', code, 'root', root);
