/// Native replacement of the WASI readiness check (inserted by benchmarks/native/build.sh): poll(2) on fd 0 with
/// the same timeout semantics as the wasm build's poll_oneoff (None = wait until readable, Some(ns) = at most ns).
#[cfg(not(target_os = "wasi"))]
fn stdin_ready(timeout_ns: Option<u64>) -> bool {
    #[repr(C)]
    struct PollFd {
        fd: i32,
        events: i16,
        revents: i16,
    }
    extern "C" {
        fn poll(fds: *mut PollFd, nfds: u64, timeout: i32) -> i32;
    }
    const POLLIN: i16 = 1;
    let mut p = PollFd { fd: 0, events: POLLIN, revents: 0 };
    let ms = timeout_ns.map_or(-1, |ns| (ns / 1_000_000).min(i32::MAX as u64) as i32);
    // SAFETY: one valid pollfd for the duration of the call.
    let r = unsafe { poll(&mut p, 1, ms) };
    r != 0 // readable, hung up or an error (read() then reports it); 0 = timed out with nothing to read
}
