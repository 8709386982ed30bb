//! Stdin and stdout as tokio `AsyncRead`/`AsyncWrite` on wasm32-wasip1, without tokio's `io-std`.
//!
//! tokio's own `stdin()` reads on a blocking-pool thread, which wasip1 does not have. A plain blocking
//! `fd_read` on the runtime's only thread is no better: rmcp answers each request in a spawned task,
//! and a reader blocked in `fd_read` would hold those answers back until the next input arrives.
//!
//! So [`Stdin`] never blocks. It asks WASI `poll_oneoff` with a zero timeout whether fd 0 is readable
//! (or at end of input) and only then calls `fd_read`. When nothing is there it arms a tokio timer and
//! returns `Pending`: the runtime runs the other tasks and, once idle, sleeps until its earliest timer
//! (a clock-only `poll_oneoff`). The interval starts at [`FIRST_WAIT`] after each read and doubles up
//! to [`LONGEST_WAIT`] while stdin stays quiet, so a burst of messages is read without delay, a quiet
//! server wakes at most 50 times a second, and a message after a pause waits at most 20 ms. Other
//! tasks' timers fire on time: the runtime's own sleep is never replaced by a wait on stdin.
//!
//! The runtime must have its time driver (`#[tokio::main(flavor = "current_thread")]` and
//! `Builder::new_current_thread().enable_time()` do).
//!
//! [`Stdout`] writes through `std::io::stdout()` (blocking `fd_write`, shared with `println!`).

use std::fs::File;
use std::future::Future;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// Wait before the first re-check after input stopped.
const FIRST_WAIT: Duration = Duration::from_millis(1);
/// Longest wait between two checks of a quiet stdin.
const LONGEST_WAIT: Duration = Duration::from_millis(20);

/// The pair rmcp's `.serve(...)` accepts, like `rmcp::transport::stdio()`: stdin as `AsyncRead`,
/// stdout as `AsyncWrite`. Call it once per process; the reader owns fd 0.
pub fn stdio() -> (Stdin, Stdout) {
    (Stdin::new(), Stdout { _private: () })
}

/// `AsyncRead` over fd 0 that never blocks the runtime's thread (see the module documentation).
pub struct Stdin {
    /// fd 0; `ManuallyDrop` so dropping the reader never closes it.
    fd: ManuallyDrop<File>,
    /// The timer of the next check while stdin is quiet.
    timer: Option<Pin<Box<Sleep>>>,
    /// Length of the next wait; doubled after each empty check, reset by each read.
    next_wait: Duration,
}

impl Stdin {
    fn new() -> Self {
        // SAFETY: fd 0 stays open for the life of the process and ManuallyDrop never closes it.
        let fd = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
        Stdin { fd, timer: None, next_wait: FIRST_WAIT }
    }
}

impl AsyncRead for Stdin {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            if let Some(timer) = this.timer.as_mut() {
                if timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.timer = None;
            }
            if wasi::stdin_ready() {
                match this.fd.read(buf.initialize_unfilled()) {
                    Ok(n) => {
                        buf.advance(n);
                        this.next_wait = FIRST_WAIT;
                        return Poll::Ready(Ok(()));
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // Readable by poll_oneoff yet nothing to read: wait like for a quiet stdin.
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
            this.timer = Some(Box::pin(tokio::time::sleep(this.next_wait)));
            this.next_wait = (this.next_wait * 2).min(LONGEST_WAIT);
        }
    }
}

/// `AsyncWrite` over fd 1: each write is a blocking `fd_write` through `std::io::stdout()`.
pub struct Stdout {
    _private: (),
}

impl AsyncWrite for Stdout {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(io::stdout().write(data))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(io::stdout().flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(io::stdout().flush())
    }
}

#[cfg(target_os = "wasi")]
mod wasi {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn poll_oneoff(subscriptions: *const u8, events: *mut u8, count: u32, returned: *mut u32) -> u16;
    }

    const EVENTTYPE_CLOCK: u8 = 0;
    const EVENTTYPE_FD_READ: u8 = 1;
    const CLOCKID_MONOTONIC: u32 = 1;
    const ERRNO_INTR: u16 = 27;

    /// A `subscription` of wasi_snapshot_preview1: 48 bytes, 8-byte aligned.
    #[repr(C, align(8))]
    struct Subscription([u8; 48]);

    /// An `event` of wasi_snapshot_preview1: 32 bytes, 8-byte aligned.
    #[repr(C, align(8))]
    struct Event([u8; 32]);

    /// Whether fd 0 has input (or is at end of input) right now: one `poll_oneoff` with an fd_read
    /// subscription on fd 0 and a zero-timeout clock. A host that cannot poll fd 0 gets `true`, so
    /// the reader falls back to a blocking `fd_read` instead of waiting forever.
    pub(super) fn stdin_ready() -> bool {
        let mut subs = [Subscription([0; 48]), Subscription([0; 48])];
        subs[0].0[0..8].copy_from_slice(&1u64.to_le_bytes()); // userdata
        subs[0].0[8] = EVENTTYPE_FD_READ;
        subs[0].0[16..20].copy_from_slice(&0u32.to_le_bytes()); // fd 0
        subs[1].0[0..8].copy_from_slice(&2u64.to_le_bytes());
        subs[1].0[8] = EVENTTYPE_CLOCK;
        subs[1].0[16..20].copy_from_slice(&CLOCKID_MONOTONIC.to_le_bytes()); // timeout 0, relative
        let mut events = [Event([0; 32]), Event([0; 32])];
        let mut returned = 0u32;
        loop {
            // SAFETY: two subscriptions and room for two events, laid out as wasi_snapshot_preview1
            // defines them.
            let errno = unsafe { poll_oneoff(subs.as_ptr().cast(), events.as_mut_ptr().cast(), 2, &mut returned) };
            match errno {
                0 => break,
                ERRNO_INTR => continue,
                _ => return true,
            }
        }
        // event: userdata u64, error u16, type u8 at offset 10.
        events[..returned.min(2) as usize].iter().any(|e| e.0[10] == EVENTTYPE_FD_READ)
    }
}

#[cfg(not(target_os = "wasi"))]
mod wasi {
    /// Native builds (tests, tools) simply block in `read`.
    pub(super) fn stdin_ready() -> bool {
        true
    }
}
