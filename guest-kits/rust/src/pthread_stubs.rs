//! `pthread_join` and `pthread_detach` for a wasi-libc that lacks them (feature `pthread-stubs`).
//!
//! Debian 12's wasi-libc (2022) has neither for the non-threaded wasm32-wasi target, yet std's
//! thread code links both, so a tokio server does not link against it. No thread can exist on
//! wasip1, so both only ever report ENOTSUP. Leave the feature off with a wasi-libc that has them
//! (rustup's self-contained `wasm32-wasip1` target does).

const ENOTSUP: i32 = 58;

#[no_mangle]
pub extern "C" fn pthread_join(_thread: usize, _result: *mut *mut core::ffi::c_void) -> i32 {
    ENOTSUP
}

#[no_mangle]
pub extern "C" fn pthread_detach(_thread: usize) -> i32 {
    ENOTSUP
}
