//! http-fetch-rust: a tiny MCP server (JSON-RPC over stdin/stdout, one message per line) with one
//! tool, `fetch_url`, that fetches a URL through the mcpwasm host's network capability
//! (`mcpwasm_http_v1`) and returns the start of the body as text. Single-threaded, blocking stdin.

use mcpwasm_guest::http as mcpwasm_http;
use serde_json::{json, Value};
use std::io::{BufRead, Read, Write};

const SERVER_NAME: &str = "http-fetch-rust";
const SERVER_VERSION: &str = "0.1.0";
const PROTOCOLS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
const DEFAULT_MAX_BYTES: u64 = 16 * 1024;
const MAX_MAX_BYTES: u64 = 256 * 1024;

fn text_result(text: &str, is_error: bool) -> Value {
    json!({"content": [{"type": "text", "text": text}], "isError": is_error})
}

fn fetch_url(args: &Value) -> Value {
    let url = match args.get("url").and_then(Value::as_str).map(str::trim) {
        Some(u) if !u.is_empty() => u,
        _ => return text_result("url is required (a string)", true),
    };
    let max = match args.get("maxBytes").and_then(Value::as_u64) {
        Some(m) if m > 0 => m.min(MAX_MAX_BYTES),
        _ => DEFAULT_MAX_BYTES,
    };
    let mut resp = match mcpwasm_http::get(url) {
        Ok(r) => r,
        Err(e) => return text_result(&format!("fetch failed: {}: {}", e.code.name(), e.code.description()), true),
    };
    let status = resp.status();
    let content_type = resp
        .headers()
        .ok()
        .and_then(|h| h.into_iter().find(|(n, _)| n == "content-type").map(|(_, v)| v));
    let mut body = Vec::new();
    if let Err(e) = (&mut resp).take(max).read_to_end(&mut body) {
        return text_result(&format!("HTTP {status}, but reading the body failed: {e}"), true);
    }
    let mut probe = [0u8; 1];
    let truncated = body.len() as u64 == max && matches!(resp.read(&mut probe), Ok(n) if n > 0);
    let mut text = format!("HTTP {status}\n");
    if let Some(ct) = content_type {
        text.push_str(&format!("content-type: {ct}\n"));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&body));
    if truncated {
        text.push_str(&format!("\n[truncated after {} bytes]", body.len()));
    }
    text_result(&text, status >= 400)
}

fn tools_list() -> Value {
    json!({"tools": [{
        "name": "fetch_url",
        "description": "Fetch a web page or API response by URL (GET) and return the status, content type and the start of the body as text. Only hosts granted to this server can be reached.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "description": "absolute http:// or https:// URL"},
                "maxBytes": {"type": "integer", "description": "most body bytes returned (default 16384, at most 262144)"}
            },
            "required": ["url"]
        }
    }]})
}

fn route(method: &str, params: &Value) -> Result<Value, (i64, String)> {
    match method {
        "initialize" => {
            let asked = params.get("protocolVersion").and_then(Value::as_str);
            let version = PROTOCOLS.iter().find(|p| Some(**p) == asked).unwrap_or(&PROTOCOLS[0]);
            Ok(json!({
                "protocolVersion": version,
                "capabilities": {"tools": {"listChanged": false}},
                "serverInfo": {"name": SERVER_NAME, "version": SERVER_VERSION}
            }))
        }
        "ping" => Ok(json!({})),
        "tools/list" => Ok(tools_list()),
        "tools/call" => {
            let name = params.get("name").and_then(Value::as_str).ok_or((-32602, "params.name must be a string".to_string()))?;
            if name != "fetch_url" {
                return Err((-32602, format!("unknown tool: {name}")));
            }
            let empty = json!({});
            let args = match params.get("arguments") {
                None | Some(Value::Null) => &empty,
                Some(a @ Value::Object(_)) => a,
                Some(_) => return Err((-32602, "params.arguments must be an object".to_string())),
            };
            Ok(fetch_url(args))
        }
        other => Err((-32601, format!("method not found: {other}"))),
    }
}

fn on_message(line: &str) -> Option<Value> {
    let msg: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(_) => return Some(json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "parse error"}})),
    };
    let id = msg.get("id").cloned();
    let method = match msg.get("method").and_then(Value::as_str) {
        Some(m) => m,
        None => {
            if id.is_some() && (msg.get("result").is_some() || msg.get("error").is_some()) {
                return None; // a client's answer; we never ask
            }
            return Some(json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32600, "message": "method must be a string"}}));
        }
    };
    let id = id?; // notifications are not answered
    let params = msg.get("params").cloned().unwrap_or(Value::Null);
    Some(match route(method, &params) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err((code, message)) => json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}),
    })
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(reply) = on_message(line) {
            if writeln!(stdout, "{reply}").and_then(|_| stdout.flush()).is_err() {
                break;
            }
        }
    }
}
