//! Stdin and stdout as tokio `AsyncRead`/`AsyncWrite` on wasm32-wasip1, without tokio's `io-std`.
//!
//! tokio's own `stdin()` reads on a blocking-pool thread, which wasip1 does not have. A plain blocking
//! `fd_read` on the runtime's only thread is no better: rmcp answers each request in a spawned task,
//! and a reader blocked in `fd_read` would hold those answers back until the next input arrives.
//!
//! So [`Stdin`] waits for input only when the runtime has nothing else to do, in two modes:
//!
//! - **Hot** (for [`HOT_WINDOW`] after each read): when stdin is quiet the reader yields with tokio's
//!   deferred wake-up (`tokio::task::yield_now`) and returns `Pending`. The runtime runs every ready
//!   task (the handler of the request just read, which writes its answer), fires the timers that are
//!   due, and only when its run queue is empty wakes the reader again. A flag in the reader's own waker
//!   tells that wake-up apart from any other poll of the task (rmcp polls the reader inside a `select!`
//!   whenever its service task runs). Then nothing else is ready, so the reader waits in WASI
//!   `poll_oneoff` for stdin *or* [`HOT_WAIT`] (1 ms, the resolution of tokio's timer wheel) and
//!   yields again. A request is read the moment it arrives, and a timer of another task fires at most
//!   about 1 ms late.
//! - **Cold** (after [`HOT_WINDOW`] without input): the reader arms a tokio timer and returns `Pending`;
//!   the runtime, once idle, sleeps until its earliest timer (a clock-only `poll_oneoff`) and the reader
//!   checks stdin with a zero timeout when its timer fires. The interval starts at [`FIRST_WAIT`] and
//!   doubles up to [`LONGEST_WAIT`]: a quiet server wakes at most 50 times a second, its own timers fire
//!   on time, and a message after a pause waits at most about 20 ms.
//!
//! An earlier version used only the cold mode, from the first quiet moment: a tokio sleep of 1 ms
//! lasts 1 to 2 ms (the wheel rounds deadlines up to the next millisecond), and under load the host's
//! next request often came after the first check, so the waits grew to 2, 4, 8 ms: a trivial call
//! took 2 ms or more where one before the kit took 0.25 ms (benchmarks/results/2026-12-06/rust-call.md).
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// How long the reader stays hot (waits in `poll_oneoff` whenever the runtime is idle) after a read.
const HOT_WINDOW: Duration = Duration::from_millis(100);
/// Longest single wait in `poll_oneoff` while hot; the runtime's due timers run between two waits.
const HOT_WAIT: Duration = Duration::from_millis(1);
/// Wait before the first re-check once cold.
const FIRST_WAIT: Duration = Duration::from_millis(1);
/// Longest wait between two checks of a quiet stdin once cold.
const LONGEST_WAIT: Duration = Duration::from_millis(20);

/// The pair rmcp's `.serve(...)` accepts, like `rmcp::transport::stdio()`: stdin as `AsyncRead`,
/// stdout as `AsyncWrite`. Call it once per process; the reader owns fd 0.
pub fn stdio() -> (Stdin, Stdout) {
    (Stdin::new(), Stdout { _private: () })
}

/// `AsyncRead` over fd 0 that waits for input only while the runtime is idle (see the module
/// documentation).
pub struct Stdin {
    /// fd 0; `ManuallyDrop` so dropping the reader never closes it.
    fd: ManuallyDrop<File>,
    /// While hot: the deferred yield in progress and the flag its wake-up sets.
    turn: Option<(Pin<Box<dyn Future<Output = ()> + Send + Sync>>, Arc<TurnWaker>)>,
    /// While cold: the timer of the next check.
    timer: Option<Pin<Box<Sleep>>>,
    /// Until when the reader stays hot; pushed forward by each read.
    hot_until: Instant,
    /// Length of the next cold wait; doubled after each empty check, reset by each read.
    next_wait: Duration,
}

/// The waker the reader's deferred yield is polled with: it records that the runtime got to the
/// yield's wake-up (its run queue was empty) and wakes the reader's task.
struct TurnWaker {
    woken: AtomicBool,
    task: Waker,
}

impl Wake for TurnWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake_by_ref();
    }
}

impl Stdin {
    fn new() -> Self {
        // SAFETY: fd 0 stays open for the life of the process and ManuallyDrop never closes it.
        let fd = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
        Stdin { fd, turn: None, timer: None, hot_until: Instant::now() + HOT_WINDOW, next_wait: FIRST_WAIT }
    }

    /// Starts a deferred yield: `Pending` now, the task is woken once the runtime's queue is empty.
    fn start_turn(&mut self, cx: &Context<'_>) {
        let flag = Arc::new(TurnWaker { woken: AtomicBool::new(false), task: cx.waker().clone() });
        let waker = Waker::from(flag.clone());
        let mut turn: Pin<Box<dyn Future<Output = ()> + Send + Sync>> = Box::pin(tokio::task::yield_now());
        // The first poll of a yield registers the wake-up and is always Pending.
        let _ = turn.as_mut().poll(&mut Context::from_waker(&waker));
        self.turn = Some((turn, flag));
    }
}

impl AsyncRead for Stdin {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            // How long stdin may be waited for now: only a finished turn (runtime idle) allows a wait.
            let mut wait = Duration::ZERO;
            if let Some((_, flag)) = this.turn.as_ref() {
                if !flag.woken.load(Ordering::Acquire) {
                    // Polled for another reason (rmcp's select!): the other tasks have not had their turn.
                    return Poll::Pending;
                }
                this.turn = None;
                wait = HOT_WAIT;
            }
            if let Some(timer) = this.timer.as_mut() {
                if timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.timer = None;
            }
            if wasi::stdin_ready_within(wait) {
                match this.fd.read(buf.initialize_unfilled()) {
                    Ok(n) => {
                        buf.advance(n);
                        this.hot_until = Instant::now() + HOT_WINDOW;
                        this.next_wait = FIRST_WAIT;
                        return Poll::Ready(Ok(()));
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // Readable by poll_oneoff yet nothing to read: wait like for a quiet stdin.
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
            if Instant::now() < this.hot_until {
                this.start_turn(cx);
                return Poll::Pending;
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
    /// `poll_oneoff` with an fd_read subscription on fd 0 and a relative monotonic clock beside it.
    /// A host that cannot poll fd 0 gets `true`, so the reader falls back to a blocking `fd_read`
    /// instead of waiting forever.
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
