"""Replaces the non-wasi stdin_ready fallback of rust-notes' stdio.rs (a copy) with rust-stdin-poll.rs.

Usage: rust-patch.py <copy of stdio.rs> <replacement.rs>
"""
import sys

path, replacement = sys.argv[1], sys.argv[2]
text = open(path).read()
start = text.find('#[cfg(not(target_os = "wasi"))]\nfn stdin_ready(')
if start < 0:
    sys.exit("rust-notes/src/stdio.rs changed: stdin_ready fallback not found (update benchmarks/native)")
end = text.find("\n}\n", start)
open(path, "w").write(text[:start] + open(replacement).read().rstrip() + text[end + 2:])
