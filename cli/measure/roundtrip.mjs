// Times MCP request round trips over Streamable HTTP: one session (initialize, notifications/initialized), then
// untimed calls for WARMUP seconds and N timed sequential tools/call requests of TOOL. Prints one JSON line:
// percentiles in ms. Usage: node roundtrip.mjs URL N WARMUP_SECONDS [TOOL]
const [url, n = '500', warmup = '5', tool = 'test_simple_text'] = process.argv.slice(2);
const base = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
let session = null;
let id = 0;

async function rpc(method, params, notification = false) {
  const headers = { ...base };
  if (session) headers['Mcp-Session-Id'] = session;
  if (session) headers['MCP-Protocol-Version'] = '2025-11-25';
  const body = notification ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', id: ++id, method, params };
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!session && r.headers.get('mcp-session-id')) session = r.headers.get('mcp-session-id');
  const text = await r.text();
  if (notification) return null;
  if (r.status !== 200) throw new Error(`${method}: HTTP ${r.status}: ${text}`);
  const lines = (r.headers.get('content-type') || '').startsWith('text/event-stream')
    ? text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)) : [text];
  const answer = lines.map((l) => JSON.parse(l)).find((m) => m.id === body.id);
  if (!answer || answer.error) throw new Error(`${method}: ${text}`);
  return answer.result;
}

await rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'roundtrip', version: '1' } });
await rpc('notifications/initialized', {}, true);
const call = () => rpc('tools/call', { name: tool, arguments: {} });
const warmEnd = Date.now() + Number(warmup) * 1000;
while (Date.now() < warmEnd) await call();
const times = [];
for (let i = 0; i < Number(n); i++) {
  const t = process.hrtime.bigint();
  await call();
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ url, tool, n: times.length, p50: +pct(50).toFixed(3), p90: +pct(90).toFixed(3),
  p99: +pct(99).toFixed(3), mean: +mean.toFixed(3) }));
