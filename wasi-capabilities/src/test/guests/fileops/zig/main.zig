//! Ordinary file work with Zig std (0.17, std.Io) in the /data grant; prints the transcript in
//! src/test/resources/guests/fileops-expected.txt (the C, Go and Rust programs print the same lines). std.Io.File has no O_APPEND
//! flag, so "append" writes at the end offset with a positional write.
const std = @import("std");
const Io = std.Io;

var out_buf: [4096]u8 = undefined;

fn quoted(w: *Io.Writer, b: []const u8) !void {
    try w.writeByte('"');
    for (b) |c| {
        if (c == '\n') try w.writeAll("\\n") else try w.writeByte(c);
    }
    try w.writeByte('"');
}

fn statLine(w: *Io.Writer, io: Io, dir: Io.Dir, shown: []const u8, path: []const u8, with_size: bool) !void {
    const st = dir.statFile(io, path, .{}) catch |err| switch (err) {
        error.FileNotFound => {
            try w.print("stat {s} missing\n", .{shown});
            return;
        },
        else => return err,
    };
    const kind = switch (st.kind) {
        .directory => "dir",
        .file => "file",
        else => "other",
    };
    if (with_size) {
        try w.print("stat {s} size={d} type={s}\n", .{ shown, st.size, kind });
    } else {
        try w.print("stat {s} type={s}\n", .{ shown, kind });
    }
}

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.lessThan(u8, a, b);
}

fn readdirLine(w: *Io.Writer, io: Io, gpa: std.mem.Allocator, dir: Io.Dir, shown: []const u8, path: []const u8) !void {
    var d = try dir.openDir(io, path, .{ .iterate = true });
    defer d.close(io);
    var names: std.ArrayList([]const u8) = .empty;
    defer names.deinit(gpa);
    var it = d.iterate();
    while (try it.next(io)) |e| try names.append(gpa, try gpa.dupe(u8, e.name));
    std.mem.sort([]const u8, names.items, {}, lessThan);
    try w.print("readdir {s} [", .{shown});
    for (names.items, 0..) |n, i| {
        if (i > 0) try w.writeByte(',');
        try w.writeAll(n);
        gpa.free(n);
    }
    try w.writeAll("]\n");
}

pub fn main(init: std.process.Init) !void {
    const io = init.io;
    const gpa = init.gpa;
    var stdout = Io.File.stdout().writerStreaming(io, &out_buf);
    const w = &stdout.interface;
    defer w.flush() catch {};

    const data = switch (init.preopens.get("/data") orelse return error.NoDataPreopen) {
        .dir => |d| d,
        .file => return error.DataIsNotADirectory,
    };

    var buf: [256]u8 = undefined;
    const input = try data.readFile(io, "input.txt", &buf);
    try w.print("read input.txt {d} ", .{input.len});
    try quoted(w, input);
    try w.writeByte('\n');

    {
        const f = try data.createFile(io, "out.txt", .{});
        defer f.close(io);
        try f.writeStreamingAll(io, "hello world\n");
        try w.print("write out.txt {d}\n", .{12});
    }
    {
        const f = try data.openFile(io, "out.txt", .{});
        defer f.close(io);
        var rbuf: [64]u8 = undefined;
        var r = f.readerStreaming(io, &rbuf);
        try r.seekTo(6);
        var five: [5]u8 = undefined;
        try r.interface.readSliceAll(&five);
        try w.print("seek 6 read 5 ", .{});
        try quoted(w, &five);
        try w.print("\ntell {d}\n", .{r.logicalPos()});
    }

    try statLine(w, io, data, "out.txt", "out.txt", true);
    try data.createDir(io, "dir", .default_dir);
    try w.writeAll("mkdir dir\n");
    try statLine(w, io, data, "dir", "dir", false);
    try data.rename("out.txt", data, "dir/moved.txt", io);
    try w.writeAll("rename out.txt dir/moved.txt\n");
    try statLine(w, io, data, "out.txt", "out.txt", true);
    try readdirLine(w, io, gpa, data, "dir", "dir");

    {
        const f = try data.openFile(io, "dir/moved.txt", .{ .mode = .write_only });
        defer f.close(io);
        try f.setLength(io, 5);
    }
    try w.writeAll("truncate dir/moved.txt 5\n");
    try statLine(w, io, data, "dir/moved.txt", "dir/moved.txt", true);
    try w.writeAll("read dir/moved.txt ");
    try quoted(w, try data.readFile(io, "dir/moved.txt", &buf));
    try w.writeByte('\n');

    {
        const f = try data.openFile(io, "dir/moved.txt", .{ .mode = .read_write });
        defer f.close(io);
        const end = try f.length(io);
        try f.writePositionalAll(io, "!!\n", end);
        try w.print("append dir/moved.txt {d}\n", .{3});
    }
    try w.writeAll("read dir/moved.txt ");
    try quoted(w, try data.readFile(io, "dir/moved.txt", &buf));
    try w.writeByte('\n');

    try data.deleteFile(io, "dir/moved.txt");
    try w.writeAll("unlink dir/moved.txt\n");
    try statLine(w, io, data, "dir/moved.txt", "dir/moved.txt", true);
    try data.deleteDir(io, "dir");
    try w.writeAll("rmdir dir\n");
    try readdirLine(w, io, gpa, data, ".", ".");

    if (data.openFile(io, "missing.txt", .{})) |f| {
        f.close(io);
        try w.writeAll("FAIL open missing succeeded\n");
    } else |err| switch (err) {
        error.FileNotFound => try w.writeAll("open missing.txt missing\n"),
        else => return err,
    }
    try w.writeAll("done\n");
}
