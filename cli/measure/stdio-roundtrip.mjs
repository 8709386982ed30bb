// Times MCP request round trips over stdio to a command (e.g. `mcpwasm run server.wasm`): initialize, then
// untimed calls for WARMUP seconds and N timed sequential tools/call requests of TOOL. Prints one JSON line.
// With GAP_MS set, the client pauses that long between calls (the server goes idle in between, as it does
// behind HTTP), and a second series is timed that way. Usage: node stdio-roundtrip.mjs N WARMUP_SECONDS TOOL COMMAND [ARGS...]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
const [n, warmup, tool, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
const waiting = new Map();
createInterface({ input: child.stdout }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id !== undefined && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
});
let id = 0;
const rpc = (method, params) => new Promise((resolve) => {
  const msg = { jsonrpc: '2.0', id: ++id, method, params };
  waiting.set(msg.id, resolve);
  child.stdin.write(JSON.stringify(msg) + '\n');
});
await rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'rt', version: '1' } });
child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
const call = () => rpc('tools/call', { name: tool, arguments: {} });
const warmEnd = Date.now() + Number(warmup) * 1000;
while (Date.now() < warmEnd) await call();
async function series(gapMs) {
  const times = [];
  for (let i = 0; i < Number(n); i++) {
    if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    const t = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
  console.log(JSON.stringify({ command: [command, ...args].join(' '), tool, gapMs, n: times.length,
    p50: +pct(50).toFixed(3), p90: +pct(90).toFixed(3),
    mean: +(times.reduce((a, b) => a + b, 0) / times.length).toFixed(3) }));
}
await series(0);
if (process.env.GAP_MS) await series(Number(process.env.GAP_MS));
child.stdin.end();
