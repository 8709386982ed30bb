"""Replaces the non-wasi readiness fallback of the Rust guest kit's stdio.rs (a copy) with rust-stdin-poll.rs.

Usage: rust-patch.py <copy of guest-kits/rust/src/stdio.rs> <replacement.rs>
"""
import sys

path, replacement = sys.argv[1], sys.argv[2]
text = open(path).read()
start = text.find('#[cfg(not(target_os = "wasi"))]\nmod wasi {')
if start < 0:
    sys.exit("guest-kits/rust/src/stdio.rs changed: its non-wasi `mod wasi` not found (update benchmarks/native)")
end = text.find("\n}\n", start)
open(path, "w").write(text[:start] + open(replacement).read().rstrip() + text[end + 2:])
