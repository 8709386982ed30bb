//! Zig bindings for the mcpwasm host's outbound HTTP imports, module
//! `mcpwasm_http_v1` (docs/network.md in the mcpwasm repository). The host
//! resolves names, speaks TLS, follows redirects and decides which hosts are
//! reachable; the guest gets a status, headers and a streamed body.
//!
//!     var resp = try http.request("GET", "https://api.example.com/x", "", "");
//!     defer resp.close();
//!     const n = try resp.read(&buf);   // 0 at the end of the body
//!
//! Failures are Zig errors named after the ABI codes (error.DeniedHost, ...).

const std = @import("std");

const abi = struct {
    extern "mcpwasm_http_v1" fn request(method: [*]const u8, method_len: u32, url: [*]const u8, url_len: u32, headers: [*]const u8, headers_len: u32, body: [*]const u8, body_len: u32, handle_out: *u32) i32;
    extern "mcpwasm_http_v1" fn response_status(handle: u32, status_out: *u32) i32;
    extern "mcpwasm_http_v1" fn response_headers(handle: u32, buf: [*]u8, buf_len: u32, len_out: *u32) i32;
    extern "mcpwasm_http_v1" fn response_read(handle: u32, buf: [*]u8, buf_len: u32, n_out: *u32) i32;
    extern "mcpwasm_http_v1" fn response_close(handle: u32) i32;
};

/// The failures of the ABI, one per code (see `codeOf`).
pub const Error = error{
    DeniedHost,
    DeniedAddress,
    Timeout,
    TooLarge,
    BadArgument,
    BadHandle,
    Io,
    TooManyRequests,
    NameNotResolved,
    TooManyRedirects,
    BufferTooSmall,
    Tls,
    Closed,
    UnknownCode,
};

fn check(code: i32) Error!void {
    return switch (code) {
        0 => {},
        1 => error.DeniedHost,
        2 => error.DeniedAddress,
        3 => error.Timeout,
        4 => error.TooLarge,
        5 => error.BadArgument,
        6 => error.BadHandle,
        7 => error.Io,
        8 => error.TooManyRequests,
        9 => error.NameNotResolved,
        10 => error.TooManyRedirects,
        11 => error.BufferTooSmall,
        12 => error.Tls,
        13 => error.Closed,
        else => error.UnknownCode,
    };
}

/// The ABI name and a sentence for an error of this module.
pub fn describe(err: Error) struct { name: []const u8, text: []const u8 } {
    return switch (err) {
        error.DeniedHost => .{ .name = "DENIED_HOST", .text = "the host is not allowed by the manifest and the host policy" },
        error.DeniedAddress => .{ .name = "DENIED_ADDRESS", .text = "the host resolves to an address the policy refuses" },
        error.Timeout => .{ .name = "TIMEOUT", .text = "the request timed out" },
        error.TooLarge => .{ .name = "TOO_LARGE", .text = "the request or the response is larger than allowed" },
        error.BadArgument => .{ .name = "BAD_ARGUMENT", .text = "malformed method, URL, header or buffer" },
        error.BadHandle => .{ .name = "BAD_HANDLE", .text = "no such open response" },
        error.Io => .{ .name = "IO", .text = "connection or protocol failure" },
        error.TooManyRequests => .{ .name = "TOO_MANY_REQUESTS", .text = "too many requests open at once" },
        error.NameNotResolved => .{ .name = "NAME_NOT_RESOLVED", .text = "the host name did not resolve" },
        error.TooManyRedirects => .{ .name = "TOO_MANY_REDIRECTS", .text = "too many redirects" },
        error.BufferTooSmall => .{ .name = "BUFFER_TOO_SMALL", .text = "buffer too small" },
        error.Tls => .{ .name = "TLS", .text = "TLS handshake failed" },
        error.Closed => .{ .name = "CLOSED", .text = "the host closed the network capability" },
        error.UnknownCode => .{ .name = "UNKNOWN", .text = "unknown error code" },
    };
}

/// An open response. Close it to free the host's connection and request slot.
pub const Response = struct {
    handle: u32,
    status: u32,

    /// Reads the next body bytes into `buf` (not empty); 0 means the end of the body.
    pub fn read(self: *Response, buf: []u8) Error!usize {
        if (buf.len == 0) return error.BadArgument;
        var n: u32 = 0;
        const len: u32 = @intCast(@min(buf.len, std.math.maxInt(u32)));
        try check(abi.response_read(self.handle, buf.ptr, len, &n));
        return n;
    }

    /// The headers as "name: value\n" lines (names lower case), allocated with `gpa`.
    pub fn headersAlloc(self: *Response, gpa: std.mem.Allocator) (Error || std.mem.Allocator.Error)![]u8 {
        var needed: u32 = 0;
        var empty: [0]u8 = .{};
        check(abi.response_headers(self.handle, &empty, 0, &needed)) catch |err| switch (err) {
            error.BufferTooSmall => {},
            else => return err,
        };
        const buf = try gpa.alloc(u8, needed);
        errdefer gpa.free(buf);
        if (needed > 0) try check(abi.response_headers(self.handle, buf.ptr, needed, &needed));
        return buf[0..needed];
    }

    /// The first value of header `lower_name` in a block from `headersAlloc`, or null.
    pub fn findHeader(block: []const u8, lower_name: []const u8) ?[]const u8 {
        var lines = std.mem.splitScalar(u8, block, '\n');
        while (lines.next()) |line| {
            const colon = std.mem.indexOfScalar(u8, line, ':') orelse continue;
            if (std.mem.eql(u8, line[0..colon], lower_name)) return std.mem.trim(u8, line[colon + 1 ..], " \t");
        }
        return null;
    }

    pub fn close(self: *Response) void {
        _ = abi.response_close(self.handle);
    }
};

/// Sends a request and waits for the response head (redirects followed by the host).
/// `headers` is a block of "Name: value\n" lines, possibly empty.
pub fn request(method: []const u8, url: []const u8, headers: []const u8, body: []const u8) Error!Response {
    var handle: u32 = 0;
    try check(abi.request(method.ptr, @intCast(method.len), url.ptr, @intCast(url.len), headers.ptr, @intCast(headers.len), body.ptr, @intCast(body.len), &handle));
    var status: u32 = 0;
    check(abi.response_status(handle, &status)) catch |err| {
        _ = abi.response_close(handle);
        return err;
    };
    return .{ .handle = handle, .status = status };
}
