//! Stdin/stdout for rmcp on wasm32-wasip1, without tokio's `io-std`.
//!
//! rmcp answers each request in a spawned task, so the reader must not block the
//! single-threaded runtime while those tasks still have work: a blocking `fd_read`
//! would hold every answer back until more input arrives. Instead:
//! - `StdinReader::poll_read` asks WASI `poll_oneoff` (zero timeout) whether fd 0 is
//!   readable; if it is, one `fd_read` returns what is there, otherwise the waker is
//!   parked in `STDIN_WAITER`;
//! - the runtime's idle hook (`on_thread_park`, run when no task is ready) blocks in
//!   `poll_oneoff` until fd 0 is readable or at end of input, then wakes the reader.
//!
//! Stdout writes are plain blocking `fd_write`s of whole lines.

use std::fs::File;
use std::future::Future;
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The reader's waker while it waits for input.
static STDIN_WAITER: Mutex<Option<Waker>> = Mutex::new(None);

#[cfg(target_os = "wasi")]
mod wasi {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn poll_oneoff(subscriptions: *const u8, events: *mut u8, count: u32, returned: *mut u32) -> u16;
    }
}

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const CLOCKID_MONOTONIC: u32 = 1;

#[repr(C, align(8))]
struct Subscription([u8; 48]);

#[repr(C, align(8))]
struct Event([u8; 32]);

/// Waits until fd 0 is readable (or at end of input). `timeout_ns` None waits
/// indefinitely, Some(0) only checks. Returns whether fd 0 is ready.
#[cfg(target_os = "wasi")]
fn stdin_ready(timeout_ns: Option<u64>) -> bool {
    let mut subs = [Subscription([0; 48]), Subscription([0; 48])];
    subs[0].0[0..8].copy_from_slice(&1u64.to_le_bytes()); // userdata
    subs[0].0[8] = EVENTTYPE_FD_READ;
    subs[0].0[16..20].copy_from_slice(&0u32.to_le_bytes()); // fd 0
    let mut count = 1;
    if let Some(ns) = timeout_ns {
        subs[1].0[0..8].copy_from_slice(&2u64.to_le_bytes());
        subs[1].0[8] = EVENTTYPE_CLOCK;
        subs[1].0[16..20].copy_from_slice(&CLOCKID_MONOTONIC.to_le_bytes());
        subs[1].0[24..32].copy_from_slice(&ns.to_le_bytes()); // relative timeout
        count = 2;
    }
    let mut events = [Event([0; 32]), Event([0; 32])];
    let mut returned = 0u32;
    loop {
        // SAFETY: the pointers cover `count` subscriptions and as many events, laid out as
        // wasi_snapshot_preview1 defines them (48 and 32 bytes, 8-byte aligned).
        let errno = unsafe {
            wasi::poll_oneoff(subs.as_ptr().cast(), events.as_mut_ptr().cast(), count, &mut returned)
        };
        match errno {
            0 => break,
            27 => continue, // EINTR
            // A host without poll support for fd 0: report it ready so the reader falls back
            // to a blocking read rather than waiting forever.
            _ => return true,
        }
    }
    events[..returned as usize].iter().any(|e| e.0[10] == EVENTTYPE_FD_READ)
}

#[cfg(not(target_os = "wasi"))]
fn stdin_ready(_timeout_ns: Option<u64>) -> bool {
    true // native builds (for tests) just block in read
}

/// Runtime idle hook: nothing else can run, so wait for input for the parked reader.
fn wait_for_input_when_idle() {
    let waiting = STDIN_WAITER.lock().map(|w| w.is_some()).unwrap_or(false);
    if !waiting {
        return;
    }
    stdin_ready(None);
    if let Some(waker) = STDIN_WAITER.lock().ok().and_then(|mut w| w.take()) {
        waker.wake();
    }
}

fn raw_fd(fd: i32) -> ManuallyDrop<File> {
    // SAFETY: fds 0 and 1 stay open for the life of the process; ManuallyDrop never closes them.
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd) })
}

/// `AsyncRead` over fd 0 that never blocks the runtime while other tasks can run.
pub struct StdinReader {
    fd: ManuallyDrop<File>,
}

impl AsyncRead for StdinReader {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if !stdin_ready(Some(0)) {
            if let Ok(mut w) = STDIN_WAITER.lock() {
                *w = Some(cx.waker().clone());
            }
            return Poll::Pending;
        }
        let dst = buf.initialize_unfilled();
        loop {
            match self.fd.read(dst) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if let Ok(mut w) = STDIN_WAITER.lock() {
                        *w = Some(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

/// `AsyncWrite` over fd 1 with blocking writes.
pub struct StdoutWriter {
    fd: ManuallyDrop<File>,
}

impl AsyncWrite for StdoutWriter {
    fn poll_write(mut self: Pin<&mut Self>, _cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(self.fd.write(data))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.fd.flush())
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.fd.flush())
    }
}

/// The (reader, writer) pair handed to rmcp's `serve`.
pub fn transport() -> (StdinReader, StdoutWriter) {
    (StdinReader { fd: raw_fd(0) }, StdoutWriter { fd: raw_fd(1) })
}

/// Runs `future` on a tokio current-thread runtime whose idle hook waits for stdin.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .on_thread_park(wait_for_input_when_idle)
        .build()
        .expect("cannot build the tokio runtime");
    runtime.block_on(future)
}
