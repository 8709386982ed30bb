//! Stdin and stdout as tokio `AsyncRead`/`AsyncWrite` on wasm32-wasip1, without tokio's `io-std`.
//!
//! tokio's own `stdin()` reads on a blocking-pool thread, which wasip1 does not have. A plain blocking
//! `fd_read` on the runtime's only thread is no better: rmcp answers each request in a spawned task,
//! and a reader blocked in `fd_read` would hold those answers back until the next input arrives.
//!
//! So [`Stdin`] waits in two steps when stdin is quiet. First it yields (`tokio::task::yield_now`): every
//! task that is ready (the handler of the request just read, which writes its answer) runs, and the
//! runtime fires the timers that are due without sleeping, before the reader is polled again. When it is polled again and stdin is still
//! quiet, nothing else in this single-threaded runtime can become ready except by a timer, so it waits
//! in WASI `poll_oneoff` for stdin *or* a short timeout, on the runtime's thread: input is read the
//! moment it arrives. After a timeout it yields again and waits again; the timeout starts at [`FIRST_WAIT`] and doubles up to [`LONGEST_WAIT`] while stdin
//! stays quiet. So a request is read without delay, a quiet server wakes at most 50 times a second,
//! and another task's timer fires at most 20 ms late while the server is idle.
//!
//! It needs a current-thread tokio runtime (`#[tokio::main(flavor = "current_thread")]`), the only kind
//! that builds for wasip1.
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

/// Longest first wait on a quiet stdin after input stopped.
const FIRST_WAIT: Duration = Duration::from_millis(1);
/// Longest wait on a quiet stdin before the runtime's timers get their turn.
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
    /// The yield that lets the other ready tasks, then the due timers, run before the reader waits.
    turn: Option<Pin<Box<dyn Future<Output = ()> + Send + Sync>>>,
    /// Whether the other tasks have had their turn since stdin was last found quiet.
    yielded: bool,
    /// Longest next wait in `poll_oneoff`; doubled after each timeout, reset by each read.
    next_wait: Duration,
}

impl Stdin {
    fn new() -> Self {
        // SAFETY: fd 0 stays open for the life of the process and ManuallyDrop never closes it.
        let fd = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
        Stdin { fd, turn: None, yielded: false, next_wait: FIRST_WAIT }
    }
}

impl AsyncRead for Stdin {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            if let Some(turn) = this.turn.as_mut() {
                if turn.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.turn = None;
            }
            let ready = if this.yielded {
                this.yielded = false;
                let ready = wasi::stdin_ready_within(this.next_wait);
                if !ready {
                    this.next_wait = (this.next_wait * 2).min(LONGEST_WAIT);
                }
                ready
            } else {
                wasi::stdin_ready_within(Duration::ZERO)
            };
            if ready {
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
            // Quiet: let the ready tasks and the due timers run, then wait in poll_oneoff.
            this.turn = Some(Box::pin(tokio::task::yield_now()));
            this.yielded = true;
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
    use std::time::Duration;

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

    /// Whether fd 0 has input (or is at end of input), waiting for it at most `timeout`: one
    /// `poll_oneoff` with an fd_read subscription on fd 0 and a relative monotonic clock. A host that
    /// cannot poll fd 0 gets `true`, so the reader falls back to a blocking `fd_read` instead of
    /// waiting forever.
    pub(super) fn stdin_ready_within(timeout: Duration) -> bool {
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        let mut subs = [Subscription([0; 48]), Subscription([0; 48])];
        subs[0].0[0..8].copy_from_slice(&1u64.to_le_bytes()); // userdata
        subs[0].0[8] = EVENTTYPE_FD_READ;
        subs[0].0[16..20].copy_from_slice(&0u32.to_le_bytes()); // fd 0
        subs[1].0[0..8].copy_from_slice(&2u64.to_le_bytes());
        subs[1].0[8] = EVENTTYPE_CLOCK;
        subs[1].0[16..20].copy_from_slice(&CLOCKID_MONOTONIC.to_le_bytes());
        subs[1].0[24..32].copy_from_slice(&nanos.to_le_bytes()); // timeout, relative (flags 0)
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
    use std::time::Duration;

    /// Native builds (tests, tools) simply block in `read`.
    pub(super) fn stdin_ready_within(_timeout: Duration) -> bool {
        true
    }
}
