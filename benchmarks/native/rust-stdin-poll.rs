/// Native replacement of the kit's non-wasi readiness check (inserted by benchmarks/native/build.sh): poll(2) on
/// fd 0, waiting at most `timeout` like the wasm build's poll_oneoff with a clock beside fd 0.
#[cfg(not(target_os = "wasi"))]
mod wasi {
    use std::time::Duration;

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

    pub(super) fn stdin_ready_within(timeout: Duration) -> bool {
        let mut p = PollFd { fd: 0, events: POLLIN, revents: 0 };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { poll(&mut p, 1, ms) };
        r != 0 // readable, hung up or an error (read() then reports it); 0 = timed out with nothing to read
    }
}
