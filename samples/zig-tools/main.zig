//! zig-tools: a pure-compute MCP server for wasm32-wasi, Zig standard library only.
//!
//! It reads one JSON-RPC message per line from stdin, answers each on stdout
//! (one line per answer) and stops at end of input. Single-threaded and
//! blocking: it needs no capability from the host beyond stdin/stdout/stderr.
const std = @import("std");
const Io = std.Io;
const Allocator = std.mem.Allocator;
const json = std.json;

const server_name = "zig-tools";
const server_version = "0.1.0";
const latest_protocol = "2025-11-25";
const supported_protocols = [_][]const u8{ "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05" };
/// Longest accepted message line; longer lines are answered with a parse error.
const max_line_bytes = 8 * 1024 * 1024;

const tools_list = oneLine(
    \\{"tools":[
    \\{"name":"sha256","description":"SHA-256 digest of a UTF-8 text, as 64 lowercase hex digits.",
    \\"inputSchema":{"type":"object","properties":{"text":{"type":"string","description":"text to hash (its UTF-8 bytes)"}},"required":["text"],"additionalProperties":false}},
    \\{"name":"base64_encode","description":"Encode a UTF-8 text as base64 (RFC 4648, padded; urlSafe selects the URL-safe alphabet).",
    \\"inputSchema":{"type":"object","properties":{"text":{"type":"string","description":"text to encode"},"urlSafe":{"type":"boolean","description":"use the URL-safe alphabet (default false)"}},"required":["text"],"additionalProperties":false}},
    \\{"name":"base64_decode","description":"Decode base64 (standard or URL-safe alphabet, padding optional, surrounding whitespace ignored) into UTF-8 text.",
    \\"inputSchema":{"type":"object","properties":{"data":{"type":"string","description":"base64 to decode"},"urlSafe":{"type":"boolean","description":"input uses the URL-safe alphabet (default false)"}},"required":["data"],"additionalProperties":false}},
    \\{"name":"json_format","description":"Validate a JSON document and pretty-print it (key order and number spelling kept). indent 0 minifies.",
    \\"inputSchema":{"type":"object","properties":{"json":{"type":"string","description":"the JSON document"},"indent":{"type":"integer","enum":[0,1,2,3,4,8],"description":"spaces per level (default 2)"}},"required":["json"],"additionalProperties":false}},
    \\{"name":"text_stats","description":"Count the words (whitespace separated), lines, characters (Unicode code points) and bytes of a text.",
    \\"inputSchema":{"type":"object","properties":{"text":{"type":"string","description":"text to measure"}},"required":["text"],"additionalProperties":false}}
    \\]}
);

/// Drops the line breaks of a multi-line literal: every answer must be one line.
fn oneLine(comptime raw: []const u8) []const u8 {
    comptime {
        @setEvalBranchQuota(raw.len * 4);
        var buf: [raw.len]u8 = undefined;
        var n: usize = 0;
        for (raw) |c| {
            if (c != '\n') {
                buf[n] = c;
                n += 1;
            }
        }
        const final = buf[0..n].*;
        return &final;
    }
}

/// A JSON-RPC error answer.
const RpcError = struct {
    code: i32,
    message: []const u8,
};

/// What a request produced: a raw JSON result or an error.
const Outcome = union(enum) {
    result: []const u8,
    failure: RpcError,
};

/// A tool failure: the text becomes a result with isError set.
const ToolError = error{ToolFailed};

/// Carries the message of a tool failure out of a tool function.
const ToolContext = struct {
    arena: Allocator,
    message: []const u8 = "",

    fn fail(ctx: *ToolContext, comptime fmt: []const u8, args: anytype) ToolError {
        ctx.message = std.fmt.allocPrint(ctx.arena, fmt, args) catch "out of memory";
        return error.ToolFailed;
    }

    fn stringArg(ctx: *ToolContext, args: json.ObjectMap, name: []const u8) ToolError![]const u8 {
        const v = args.get(name) orelse return ctx.fail("missing required argument '{s}' (a string)", .{name});
        return switch (v) {
            .string => |s| s,
            else => ctx.fail("argument '{s}' must be a string", .{name}),
        };
    }

    fn boolArg(ctx: *ToolContext, args: json.ObjectMap, name: []const u8, default: bool) ToolError!bool {
        const v = args.get(name) orelse return default;
        return switch (v) {
            .bool => |b| b,
            .null => default,
            else => ctx.fail("argument '{s}' must be true or false", .{name}),
        };
    }

    fn intArg(ctx: *ToolContext, args: json.ObjectMap, name: []const u8, default: i64) ToolError!i64 {
        const v = args.get(name) orelse return default;
        return switch (v) {
            .integer => |i| i,
            .null => default,
            .number_string => |s| std.fmt.parseInt(i64, s, 10) catch ctx.fail("argument '{s}' must be an integer", .{name}),
            else => ctx.fail("argument '{s}' must be an integer", .{name}),
        };
    }
};

fn toolSha256(ctx: *ToolContext, args: json.ObjectMap) ToolError![]const u8 {
    const text = try ctx.stringArg(args, "text");
    var digest: [std.crypto.hash.sha2.Sha256.digest_length]u8 = undefined;
    std.crypto.hash.sha2.Sha256.hash(text, &digest, .{});
    const hex = std.fmt.bytesToHex(digest, .lower);
    return ctx.arena.dupe(u8, &hex) catch ctx.fail("out of memory", .{});
}

fn toolBase64Encode(ctx: *ToolContext, args: json.ObjectMap) ToolError![]const u8 {
    const text = try ctx.stringArg(args, "text");
    const codecs = if (try ctx.boolArg(args, "urlSafe", false)) std.base64.url_safe else std.base64.standard;
    const out = ctx.arena.alloc(u8, codecs.Encoder.calcSize(text.len)) catch return ctx.fail("out of memory", .{});
    return codecs.Encoder.encode(out, text);
}

fn toolBase64Decode(ctx: *ToolContext, args: json.ObjectMap) ToolError![]const u8 {
    const raw = try ctx.stringArg(args, "data");
    const data = std.mem.trim(u8, raw, " \t\r\n");
    const url_safe = try ctx.boolArg(args, "urlSafe", false);
    // Padding is optional: pick the codec by whether the input carries it.
    const padded = data.len % 4 == 0;
    const decoder = if (url_safe)
        (if (padded) std.base64.url_safe.Decoder else std.base64.url_safe_no_pad.Decoder)
    else
        (if (padded) std.base64.standard.Decoder else std.base64.standard_no_pad.Decoder);
    const size = decoder.calcSizeForSlice(data) catch |err| return badBase64(ctx, err, url_safe);
    const out = ctx.arena.alloc(u8, size) catch return ctx.fail("out of memory", .{});
    decoder.decode(out, data) catch |err| return badBase64(ctx, err, url_safe);
    if (!std.unicode.utf8ValidateSlice(out)) {
        return ctx.fail("the decoded {d} bytes are not UTF-8 text; base64_decode returns text only", .{out.len});
    }
    return out;
}

fn badBase64(ctx: *ToolContext, err: anyerror, url_safe: bool) ToolError {
    const why = switch (err) {
        error.InvalidCharacter => "a character outside the base64 alphabet",
        error.InvalidPadding => "bad padding or length",
        error.NoSpaceLeft => "bad length",
        else => @errorName(err),
    };
    return ctx.fail("invalid base64 ({s} alphabet): {s}", .{ if (url_safe) "URL-safe" else "standard", why });
}

fn toolJsonFormat(ctx: *ToolContext, args: json.ObjectMap) ToolError![]const u8 {
    const text = try ctx.stringArg(args, "json");
    const indent = try ctx.intArg(args, "indent", 2);
    const whitespace: @FieldType(json.Stringify.Options, "whitespace") = switch (indent) {
        0 => .minified,
        1 => .indent_1,
        2 => .indent_2,
        3 => .indent_3,
        4 => .indent_4,
        8 => .indent_8,
        else => return ctx.fail("indent must be one of 0, 1, 2, 3, 4, 8 (got {d})", .{indent}),
    };
    var scanner = json.Scanner.initCompleteInput(ctx.arena, text);
    var diagnostics: json.Diagnostics = .{};
    scanner.enableDiagnostics(&diagnostics);
    const value = json.parseFromTokenSourceLeaky(json.Value, ctx.arena, &scanner, .{
        .parse_numbers = false,
        .duplicate_field_behavior = .@"error",
    }) catch |err| {
        const why = switch (err) {
            error.SyntaxError => "syntax error",
            error.UnexpectedEndOfInput => "unexpected end of input",
            error.DuplicateField => "duplicate object key",
            error.OutOfMemory => "out of memory",
            else => @errorName(err),
        };
        return ctx.fail("invalid JSON: {s} at line {d}, column {d}", .{ why, diagnostics.getLine(), diagnostics.getColumn() });
    };
    return json.Stringify.valueAlloc(ctx.arena, value, .{ .whitespace = whitespace }) catch ctx.fail("out of memory", .{});
}

fn toolTextStats(ctx: *ToolContext, args: json.ObjectMap) ToolError![]const u8 {
    const text = try ctx.stringArg(args, "text");
    var words: usize = 0;
    var in_word = false;
    var newlines: usize = 0;
    for (text) |c| {
        const space = std.ascii.isWhitespace(c);
        if (!space and !in_word) words += 1;
        in_word = !space;
        if (c == '\n') newlines += 1;
    }
    // A last line without a newline still counts as a line.
    const lines = if (text.len > 0 and text[text.len - 1] != '\n') newlines + 1 else newlines;
    const chars = std.unicode.utf8CountCodepoints(text) catch text.len;
    return json.Stringify.valueAlloc(ctx.arena, .{
        .words = words,
        .lines = lines,
        .chars = chars,
        .bytes = text.len,
    }, .{}) catch ctx.fail("out of memory", .{});
}

const Tool = struct {
    name: []const u8,
    run: *const fn (*ToolContext, json.ObjectMap) ToolError![]const u8,
};

const tools = [_]Tool{
    .{ .name = "sha256", .run = toolSha256 },
    .{ .name = "base64_encode", .run = toolBase64Encode },
    .{ .name = "base64_decode", .run = toolBase64Decode },
    .{ .name = "json_format", .run = toolJsonFormat },
    .{ .name = "text_stats", .run = toolTextStats },
};

fn toolResult(arena: Allocator, text: []const u8, is_error: bool) ![]const u8 {
    const Content = struct { type: []const u8, text: []const u8 };
    return json.Stringify.valueAlloc(arena, .{
        .content = &[_]Content{.{ .type = "text", .text = text }},
        .isError = is_error,
    }, .{});
}

fn callTool(arena: Allocator, params: ?json.Value) !Outcome {
    const p = switch (params orelse .null) {
        .object => |o| o,
        else => return .{ .failure = .{ .code = -32602, .message = "tools/call needs params {name, arguments}" } },
    };
    const name = switch (p.get("name") orelse .null) {
        .string => |s| s,
        else => return .{ .failure = .{ .code = -32602, .message = "tools/call: params.name must be a string" } },
    };
    const args: json.ObjectMap = switch (p.get("arguments") orelse json.Value{ .object = .empty }) {
        .object => |o| o,
        .null => .empty,
        else => return .{ .failure = .{ .code = -32602, .message = "tools/call: params.arguments must be an object" } },
    };
    for (tools) |t| {
        if (!std.mem.eql(u8, t.name, name)) continue;
        var ctx: ToolContext = .{ .arena = arena };
        const text = t.run(&ctx, args) catch return .{ .result = try toolResult(arena, ctx.message, true) };
        return .{ .result = try toolResult(arena, text, false) };
    }
    return .{ .failure = .{ .code = -32602, .message = try std.fmt.allocPrint(arena, "unknown tool: {s}", .{name}) } };
}

fn initialize(arena: Allocator, params: ?json.Value) !Outcome {
    var version: []const u8 = latest_protocol;
    if (params) |pv| if (pv == .object) if (pv.object.get("protocolVersion")) |v| if (v == .string) {
        for (supported_protocols) |s| if (std.mem.eql(u8, s, v.string)) {
            version = s;
        };
    };
    return .{ .result = try json.Stringify.valueAlloc(arena, .{
        .protocolVersion = version,
        .capabilities = .{ .tools = .{ .listChanged = false } },
        .serverInfo = .{ .name = server_name, .version = server_version },
        .instructions = "Pure-compute helpers: sha256, base64 encode/decode, JSON validation and formatting, text statistics.",
    }, .{}) };
}

fn dispatch(arena: Allocator, method: []const u8, params: ?json.Value) !Outcome {
    if (std.mem.eql(u8, method, "initialize")) return initialize(arena, params);
    if (std.mem.eql(u8, method, "ping")) return .{ .result = "{}" };
    if (std.mem.eql(u8, method, "tools/list")) return .{ .result = tools_list };
    if (std.mem.eql(u8, method, "tools/call")) return callTool(arena, params);
    return .{ .failure = .{
        .code = -32601,
        .message = try std.fmt.allocPrint(arena, "method not found: {s}", .{method}),
    } };
}

/// Writes one answer line; `id` null stands for a JSON null id.
fn answer(out: *Io.Writer, id: ?json.Value, outcome: Outcome) !void {
    try out.writeAll("{\"jsonrpc\":\"2.0\",\"id\":");
    if (id) |v| try json.Stringify.value(v, .{}, out) else try out.writeAll("null");
    switch (outcome) {
        .result => |r| {
            try out.writeAll(",\"result\":");
            try out.writeAll(r);
        },
        .failure => |e| {
            try out.writeAll(",\"error\":");
            try json.Stringify.value(e, .{}, out);
        },
    }
    try out.writeAll("}\n");
    try out.flush();
}

/// Handles one message line.
fn handleLine(arena: Allocator, out: *Io.Writer, line: []const u8) !void {
    const msg = json.parseFromSliceLeaky(json.Value, arena, line, .{ .duplicate_field_behavior = .use_last }) catch {
        return answer(out, null, .{ .failure = .{ .code = -32700, .message = "parse error: not a JSON message" } });
    };
    const obj = switch (msg) {
        .object => |o| o,
        else => return answer(out, null, .{ .failure = .{ .code = -32600, .message = "invalid request: expected a JSON object" } }),
    };
    const id = obj.get("id");
    if (id) |v| switch (v) {
        .string, .integer, .number_string => {},
        else => return answer(out, null, .{ .failure = .{ .code = -32600, .message = "invalid request: id must be a string or a number" } }),
    };
    const method = switch (obj.get("method") orelse .null) {
        .string => |s| s,
        else => {
            // A response from the client (we never ask anything) or garbage.
            if (id != null and (obj.contains("result") or obj.contains("error"))) return;
            return answer(out, id, .{ .failure = .{ .code = -32600, .message = "invalid request: method must be a string" } });
        },
    };
    if (id == null) return; // notification: never answered
    const outcome = dispatch(arena, method, obj.get("params")) catch
        Outcome{ .failure = .{ .code = -32603, .message = "out of memory" } };
    try answer(out, id, outcome);
}

pub fn main(init: std.process.Init) !void {
    const io = init.io;
    const gpa = init.gpa;
    var in_buffer: [64 * 1024]u8 = undefined;
    var out_buffer: [64 * 1024]u8 = undefined;
    var stdin_reader = Io.File.stdin().readerStreaming(io, &in_buffer);
    var stdout_writer = Io.File.stdout().writerStreaming(io, &out_buffer);
    const in = &stdin_reader.interface;
    const out = &stdout_writer.interface;

    var line: Io.Writer.Allocating = .init(gpa);
    defer line.deinit();
    while (true) {
        line.clearRetainingCapacity();
        var too_long = false;
        _ = in.streamDelimiterLimit(&line.writer, '\n', .limited(max_line_bytes)) catch |err| switch (err) {
            error.StreamTooLong => too_long = true,
            error.ReadFailed => return stdin_reader.err orelse error.ReadFailed,
            error.WriteFailed => return error.OutOfMemory,
        };
        // Consume the delimiter (or the rest of an overlong line); note end of input.
        var at_end = false;
        if (too_long) {
            _ = in.discardDelimiterInclusive('\n') catch |err| switch (err) {
                error.EndOfStream => at_end = true,
                error.ReadFailed => return stdin_reader.err orelse error.ReadFailed,
            };
            try answer(out, null, .{ .failure = .{ .code = -32700, .message = "parse error: message longer than 8 MiB" } });
        } else {
            if (in.takeByte()) |_| {} else |err| switch (err) {
                error.EndOfStream => at_end = true,
                error.ReadFailed => return stdin_reader.err orelse error.ReadFailed,
            }
            const text = std.mem.trim(u8, line.written(), " \t\r");
            if (text.len > 0) {
                var arena_state: std.heap.ArenaAllocator = .init(gpa);
                defer arena_state.deinit();
                try handleLine(arena_state.allocator(), out, text);
            }
        }
        if (at_end) return;
    }
}
