//! http-fetch-zig: a tiny MCP server (JSON-RPC over stdin/stdout, one message
//! per line) with one tool, fetch_url, that fetches a URL through the mcpwasm
//! host's network capability (mcpwasm_http_v1) and returns the start of the body.
//! Single-threaded, blocking reads: the simplest correct server on wasip1.

const std = @import("std");
const http = @import("mcpwasm_http");
const json = std.json;
const Io = std.Io;
const Allocator = std.mem.Allocator;

const server_name = "http-fetch-zig";
const server_version = "0.1.0";
const protocols = [_][]const u8{ "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05" };
const max_message = 4 * 1024 * 1024;
const default_max_bytes = 16 * 1024;
const max_max_bytes = 256 * 1024;

const tools_list =
    \\{"tools":[{"name":"fetch_url","description":"Fetch a web page or API response by URL (GET) and return the status, content type and the start of the body as text. Only hosts granted to this server can be reached.","inputSchema":{"type":"object","properties":{"url":{"type":"string","description":"absolute http:// or https:// URL"},"maxBytes":{"type":"integer","description":"most body bytes returned (default 16384, at most 262144)"}},"required":["url"]}}]}
;

const RpcError = struct { code: i32, message: []const u8 };
const Reply = union(enum) { ok: []const u8, err: RpcError };

fn textResult(a: Allocator, text: []const u8, is_error: bool) ![]const u8 {
    const Item = struct { type: []const u8, text: []const u8 };
    return json.Stringify.valueAlloc(a, .{ .content = &[_]Item{.{ .type = "text", .text = text }}, .isError = is_error }, .{});
}

/// Appends `bytes` as valid UTF-8, each invalid sequence replaced by U+FFFD.
fn appendUtf8(a: Allocator, out: *std.ArrayList(u8), bytes: []const u8) !void {
    var i: usize = 0;
    while (i < bytes.len) {
        const n = std.unicode.utf8ByteSequenceLength(bytes[i]) catch 0;
        if (n > 0 and i + n <= bytes.len and std.unicode.utf8ValidateSlice(bytes[i .. i + n])) {
            try out.appendSlice(a, bytes[i .. i + n]);
            i += n;
        } else {
            try out.appendSlice(a, "\u{FFFD}");
            i += 1;
        }
    }
}

fn fetchUrl(a: Allocator, args: json.ObjectMap) ![]const u8 {
    const url = switch (args.get("url") orelse .null) {
        .string => |s| std.mem.trim(u8, s, " \t\r\n"),
        else => return textResult(a, "url is required (a string)", true),
    };
    if (url.len == 0) return textResult(a, "url is required (a string)", true);
    var max: usize = default_max_bytes;
    switch (args.get("maxBytes") orelse .null) {
        .integer => |v| if (v > 0) {
            max = @intCast(@min(v, max_max_bytes));
        },
        else => {},
    }

    var resp = http.request("GET", url, "", "") catch |err| {
        const d = http.describe(err);
        return textResult(a, try std.fmt.allocPrint(a, "fetch failed: {s}: {s}", .{ d.name, d.text }), true);
    };
    defer resp.close();
    const head = resp.headersAlloc(a) catch "";

    const body = try a.alloc(u8, max);
    var got: usize = 0;
    var truncated = false;
    while (got < max) {
        const n = resp.read(body[got..]) catch |err| {
            const d = http.describe(err);
            return textResult(a, try std.fmt.allocPrint(a, "HTTP {d}, but reading the body failed: {s}: {s}", .{ resp.status, d.name, d.text }), true);
        };
        if (n == 0) break;
        got += n;
    } else {
        var probe: [1]u8 = undefined;
        const more = resp.read(&probe) catch 1;
        truncated = more > 0;
    }

    var out: std.ArrayList(u8) = .empty;
    try out.appendSlice(a, try std.fmt.allocPrint(a, "HTTP {d}\n", .{resp.status}));
    if (http.Response.findHeader(head, "content-type")) |ct| {
        try out.appendSlice(a, try std.fmt.allocPrint(a, "content-type: {s}\n", .{ct}));
    }
    try out.appendSlice(a, "\n");
    try appendUtf8(a, &out, body[0..got]);
    if (truncated) try out.appendSlice(a, try std.fmt.allocPrint(a, "\n[truncated after {d} bytes]", .{got}));
    return textResult(a, out.items, resp.status >= 400);
}

fn callTool(a: Allocator, params: ?json.Value) !Reply {
    const p = switch (params orelse .null) {
        .object => |o| o,
        else => return .{ .err = .{ .code = -32602, .message = "tools/call needs params {name, arguments}" } },
    };
    const name = switch (p.get("name") orelse .null) {
        .string => |s| s,
        else => return .{ .err = .{ .code = -32602, .message = "params.name must be a string" } },
    };
    if (!std.mem.eql(u8, name, "fetch_url")) {
        return .{ .err = .{ .code = -32602, .message = try std.fmt.allocPrint(a, "unknown tool: {s}", .{name}) } };
    }
    const args: json.ObjectMap = switch (p.get("arguments") orelse .null) {
        .object => |o| o,
        .null => .empty,
        else => return .{ .err = .{ .code = -32602, .message = "params.arguments must be an object" } },
    };
    return .{ .ok = try fetchUrl(a, args) };
}

fn initialize(a: Allocator, params: ?json.Value) !Reply {
    var version: []const u8 = protocols[0];
    if (params) |pv| if (pv == .object) if (pv.object.get("protocolVersion")) |v| if (v == .string) {
        for (protocols) |known| {
            if (std.mem.eql(u8, known, v.string)) version = known;
        }
    };
    return .{ .ok = try json.Stringify.valueAlloc(a, .{
        .protocolVersion = version,
        .capabilities = .{ .tools = .{ .listChanged = false } },
        .serverInfo = .{ .name = server_name, .version = server_version },
    }, .{}) };
}

fn route(a: Allocator, method: []const u8, params: ?json.Value) !Reply {
    if (std.mem.eql(u8, method, "initialize")) return initialize(a, params);
    if (std.mem.eql(u8, method, "ping")) return .{ .ok = "{}" };
    if (std.mem.eql(u8, method, "tools/list")) return .{ .ok = tools_list };
    if (std.mem.eql(u8, method, "tools/call")) return callTool(a, params);
    return .{ .err = .{ .code = -32601, .message = try std.fmt.allocPrint(a, "method not found: {s}", .{method}) } };
}

fn send(out: *Io.Writer, id: ?json.Value, reply: Reply) !void {
    try out.writeAll("{\"jsonrpc\":\"2.0\",\"id\":");
    if (id) |v| try json.Stringify.value(v, .{}, out) else try out.writeAll("null");
    switch (reply) {
        .ok => |r| {
            try out.writeAll(",\"result\":");
            try out.writeAll(r);
        },
        .err => |e| {
            try out.writeAll(",\"error\":");
            try json.Stringify.value(e, .{}, out);
        },
    }
    try out.writeAll("}\n");
    try out.flush();
}

fn onMessage(a: Allocator, out: *Io.Writer, line: []const u8) !void {
    const parsed = json.parseFromSliceLeaky(json.Value, a, line, .{}) catch
        return send(out, null, .{ .err = .{ .code = -32700, .message = "parse error" } });
    if (parsed != .object) return send(out, null, .{ .err = .{ .code = -32600, .message = "expected a JSON object" } });
    const msg = parsed.object;
    const id = msg.get("id");
    const method = switch (msg.get("method") orelse .null) {
        .string => |s| s,
        else => {
            if (id != null and (msg.contains("result") or msg.contains("error"))) return; // a client's answer
            return send(out, id, .{ .err = .{ .code = -32600, .message = "method must be a string" } });
        },
    };
    if (id == null) return; // notifications are not answered
    const reply = route(a, method, msg.get("params")) catch Reply{ .err = .{ .code = -32603, .message = "out of memory" } };
    try send(out, id, reply);
}

pub fn main(init: std.process.Init) !void {
    const io = init.io;
    const gpa = init.gpa;
    var in_buf: [64 * 1024]u8 = undefined;
    var out_buf: [64 * 1024]u8 = undefined;
    var stdin = Io.File.stdin().readerStreaming(io, &in_buf);
    var stdout = Io.File.stdout().writerStreaming(io, &out_buf);
    const in = &stdin.interface;
    const out = &stdout.interface;

    var line: Io.Writer.Allocating = .init(gpa);
    defer line.deinit();
    while (true) {
        line.clearRetainingCapacity();
        var overlong = false;
        _ = in.streamDelimiterLimit(&line.writer, '\n', .limited(max_message)) catch |err| switch (err) {
            error.StreamTooLong => overlong = true,
            error.ReadFailed => return stdin.err orelse error.ReadFailed,
            error.WriteFailed => return error.OutOfMemory,
        };
        var done = false;
        if (overlong) {
            _ = in.discardDelimiterInclusive('\n') catch |err| switch (err) {
                error.EndOfStream => done = true,
                error.ReadFailed => return stdin.err orelse error.ReadFailed,
            };
            try send(out, null, .{ .err = .{ .code = -32700, .message = "message too long" } });
        } else {
            if (in.takeByte()) |_| {} else |err| switch (err) {
                error.EndOfStream => done = true,
                error.ReadFailed => return stdin.err orelse error.ReadFailed,
            }
            const text = std.mem.trim(u8, line.written(), " \t\r");
            if (text.len > 0) {
                var arena: std.heap.ArenaAllocator = .init(gpa);
                defer arena.deinit();
                try onMessage(arena.allocator(), out, text);
            }
        }
        if (done) return;
    }
}
