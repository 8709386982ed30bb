// Reads what run.mjs printed for one sample (stdin) and checks every answer.
//   node --no-warnings run.mjs zig-tools | node check.mjs zig-tools
// Prints one line per check and exits non-zero when any failed.
import fs from 'node:fs';

const name = process.argv[2];
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
const answers = new Map(); // id -> list of answers (rust-notes runs twice)
let badLines = 0;
for (const l of lines) {
  let m;
  try {
    m = JSON.parse(l);
  } catch {
    badLines++;
    console.log(`FAIL stdout line is not JSON: ${l.slice(0, 120)}`);
    continue;
  }
  if (m.jsonrpc !== '2.0') {
    badLines++;
    console.log(`FAIL not a JSON-RPC 2.0 message: ${l.slice(0, 120)}`);
  }
  if ('id' in m && !('method' in m)) {
    if (!answers.has(m.id)) answers.set(m.id, []);
    answers.get(m.id).push(m);
  }
}

const text = (m) => (m.result?.content ?? []).map((c) => c.text ?? '').join('\n');
const ok = (...needles) => (m) => {
  if (!m.result) return `expected a result, got ${JSON.stringify(m.error)}`;
  if (m.result.isError) return `expected success, got tool error: ${text(m)}`;
  const t = text(m);
  for (const n of needles) {
    if (n instanceof RegExp ? !n.test(t) : !t.includes(n)) return `text lacks ${n}: ${JSON.stringify(t).slice(0, 300)}`;
  }
  return null;
};
const toolError = (...needles) => (m) => {
  if (!m.result) return `expected a tool result with isError, got ${JSON.stringify(m.error)}`;
  if (m.result.isError !== true) return `expected isError: true, got ${JSON.stringify(m.result).slice(0, 200)}`;
  const t = text(m).toLowerCase();
  for (const n of needles) if (!t.includes(n.toLowerCase())) return `error text lacks "${n}": ${JSON.stringify(text(m))}`;
  return null;
};
const not = (...needles) => (m) => {
  const t = text(m);
  for (const n of needles) if (t.includes(n)) return `text should not contain ${n}: ${JSON.stringify(t).slice(0, 300)}`;
  return null;
};
const all = (...checks) => (m) => {
  for (const c of checks) {
    const r = c(m);
    if (r) return r;
  }
  return null;
};

const common = {
  1: (m) =>
    m.result?.protocolVersion === '2025-11-25' && m.result?.serverInfo?.name === name && m.result?.capabilities?.tools
      ? null
      : `bad initialize result ${JSON.stringify(m)}`,
  3: (m) => (m.result && Object.keys(m.result).length === 0 ? null : `ping: ${JSON.stringify(m)}`),
  4: (m) => (m.error?.code === -32601 ? null : `unknown method: expected -32601, got ${JSON.stringify(m)}`),
};
const toolsNamed = (...names) => (m) => {
  const got = (m.result?.tools ?? []).map((t) => t.name).sort();
  const want = [...names].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) return `tools/list: expected ${want}, got ${got}`;
  for (const t of m.result.tools) {
    if (!t.description || t.inputSchema?.type !== 'object') return `tool ${t.name} lacks a description or an object input schema`;
  }
  return null;
};

const expectations = {
  'go-workspace': {
    ...common,
    2: toolsNamed('list_files', 'read_file', 'search_text', 'file_info'),
    10: all(ok('README.md', 'guide.md'), not('todo.txt', 'cities.csv')),
    11: ok('write the quick star', 'continue with offset=26'),
    12: ok('data/cities.csv:2: Lisbon,Portugal,545000', 'data/cities.csv:3: Porto,Portugal,232000'),
    13: ok('"size":108', '"isDir":false', /"mtime":"\d{4}-\d\d-\d\dT/),
    20: toolError('not found', 'missing.txt'),
    21: toolError('regex'),
    22: toolError('leaves the workspace'),
    23: toolError('path'),
  },
  'zig-tools': {
    ...common,
    2: toolsNamed('sha256', 'base64_encode', 'base64_decode', 'json_format', 'text_stats'),
    10: ok('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'),
    11: ok('aGVsbG8sIHdhc20='),
    12: ok('hello, wasm'),
    13: ok('{\n  "b": [\n    1,\n    2,\n    {\n      "c": null\n    }\n  ],\n  "a": "x"\n}'),
    14: ok('"words":4', '"lines":2', '"chars":20'),
    20: toolError('base64'),
    21: toolError('json'),
    22: toolError('text'),
    23: (m) => (m.error || m.result?.isError ? null : `unknown tool should fail: ${JSON.stringify(m)}`),
  },
  'rust-notes': {
    ...common,
    2: toolsNamed('add_note', 'list_notes', 'search_notes', 'delete_note'),
    10: ok('n-1'),
    11: ok('n-2'),
    12: ok('n-1', 'Groceries', 'n-2', 'Ideas'),
    13: all(ok('n-1', 'Groceries'), not('Ideas')),
    14: ok('n-2'),
    15: all(ok('n-1', 'Groceries'), not('Ideas')),
    20: toolError('n-99'),
    21: toolError('title'),
    22: toolError('quota'),
    30: all(ok('n-1', 'Groceries'), not('Ideas')),
  },
};

const exp = expectations[name];
if (!exp) {
  console.error(`unknown sample ${name}`);
  process.exit(2);
}
let passed = 0;
let failed = badLines;
for (const [id, check] of Object.entries(exp)) {
  const got = answers.get(Number(id)) ?? [];
  let why;
  if (got.length === 0) why = 'no answer';
  else if (got.length > 1 && name !== 'rust-notes') why = `${got.length} answers`;
  else why = check(got[got.length - 1]);
  if (why) {
    failed++;
    console.log(`FAIL ${name} id ${id}: ${why}`);
  } else {
    passed++;
    console.log(`ok   ${name} id ${id}`);
  }
}
console.log(`${name}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
