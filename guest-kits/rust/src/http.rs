//! Rust bindings for the mcpwasm host's outbound HTTP imports, module `mcpwasm_http_v1`
//! (docs/network.md in the mcpwasm repository). The host resolves names, speaks TLS, follows
//! redirects and decides which hosts are reachable; the guest gets a status, headers and a body
//! it reads through [`std::io::Read`].
//!
//! ```ignore
//! use std::io::Read;
//! let mut resp = mcpwasm_guest::http::request("GET", "https://api.example.com/x", &[], &[])?;
//! let mut text = String::new();
//! resp.by_ref().take(1 << 20).read_to_string(&mut text)?;
//! ```
//! Outside wasm32 every call fails with [`Code::Unavailable`].

use std::fmt;
use std::io;

#[cfg(target_arch = "wasm32")]
mod abi {
    #[link(wasm_import_module = "mcpwasm_http_v1")]
    extern "C" {
        pub fn request(
            method: *const u8,
            method_len: u32,
            url: *const u8,
            url_len: u32,
            headers: *const u8,
            headers_len: u32,
            body: *const u8,
            body_len: u32,
            handle_out: *mut u32,
        ) -> i32;
        pub fn response_status(handle: u32, status_out: *mut u32) -> i32;
        pub fn response_headers(handle: u32, buf: *mut u8, buf_len: u32, len_out: *mut u32) -> i32;
        pub fn response_read(handle: u32, buf: *mut u8, buf_len: u32, n_out: *mut u32) -> i32;
        pub fn response_close(handle: u32) -> i32;
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::too_many_arguments)]
mod abi {
    // No host outside wasm: every call answers "unavailable" (-1).
    pub unsafe fn request(_: *const u8, _: u32, _: *const u8, _: u32, _: *const u8, _: u32, _: *const u8, _: u32, _: *mut u32) -> i32 { -1 }
    pub unsafe fn response_status(_: u32, _: *mut u32) -> i32 { -1 }
    pub unsafe fn response_headers(_: u32, _: *mut u8, _: u32, _: *mut u32) -> i32 { -1 }
    pub unsafe fn response_read(_: u32, _: *mut u8, _: u32, _: *mut u32) -> i32 { -1 }
    pub unsafe fn response_close(_: u32) -> i32 { -1 }
}

/// A result code of the ABI (docs/network.md); `Unavailable` is this crate's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    DeniedHost,
    DeniedAddress,
    Timeout,
    TooLarge,
    BadArgument,
    BadHandle,
    Io,
    TooManyRequests,
    NameNotResolved,
    TooManyRedirects,
    BufferTooSmall,
    Tls,
    Closed,
    Unavailable,
    Unknown(i32),
}

impl Code {
    fn from_raw(c: i32) -> Option<Code> {
        Some(match c {
            0 => return None,
            1 => Code::DeniedHost,
            2 => Code::DeniedAddress,
            3 => Code::Timeout,
            4 => Code::TooLarge,
            5 => Code::BadArgument,
            6 => Code::BadHandle,
            7 => Code::Io,
            8 => Code::TooManyRequests,
            9 => Code::NameNotResolved,
            10 => Code::TooManyRedirects,
            11 => Code::BufferTooSmall,
            12 => Code::Tls,
            13 => Code::Closed,
            -1 => Code::Unavailable,
            other => Code::Unknown(other),
        })
    }

    /// The ABI name, e.g. `DENIED_HOST`.
    pub fn name(self) -> &'static str {
        match self {
            Code::DeniedHost => "DENIED_HOST",
            Code::DeniedAddress => "DENIED_ADDRESS",
            Code::Timeout => "TIMEOUT",
            Code::TooLarge => "TOO_LARGE",
            Code::BadArgument => "BAD_ARGUMENT",
            Code::BadHandle => "BAD_HANDLE",
            Code::Io => "IO",
            Code::TooManyRequests => "TOO_MANY_REQUESTS",
            Code::NameNotResolved => "NAME_NOT_RESOLVED",
            Code::TooManyRedirects => "TOO_MANY_REDIRECTS",
            Code::BufferTooSmall => "BUFFER_TOO_SMALL",
            Code::Tls => "TLS",
            Code::Closed => "CLOSED",
            Code::Unavailable => "UNAVAILABLE",
            Code::Unknown(_) => "UNKNOWN",
        }
    }

    /// What the code means, in words.
    pub fn description(self) -> &'static str {
        match self {
            Code::DeniedHost => "the host is not allowed by the manifest and the host policy",
            Code::DeniedAddress => "the host resolves to an address the policy refuses",
            Code::Timeout => "the request timed out",
            Code::TooLarge => "the request or the response is larger than allowed",
            Code::BadArgument => "malformed method, URL, header or buffer",
            Code::BadHandle => "no such open response",
            Code::Io => "connection or protocol failure",
            Code::TooManyRequests => "too many requests open at once",
            Code::NameNotResolved => "the host name did not resolve",
            Code::TooManyRedirects => "too many redirects",
            Code::BufferTooSmall => "buffer too small",
            Code::Tls => "TLS handshake failed",
            Code::Closed => "the host closed the network capability",
            Code::Unavailable => "no mcpwasm host (not running as wasm)",
            Code::Unknown(_) => "unknown error code",
        }
    }
}

/// A failed call: the operation and the host's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    pub op: &'static str,
    pub code: Code,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mcpwasm_http_v1 {}: {} ({})", self.op, self.code.name(), self.code.description())
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match e.code {
            Code::Timeout => io::ErrorKind::TimedOut,
            Code::DeniedHost | Code::DeniedAddress => io::ErrorKind::PermissionDenied,
            Code::BadArgument => io::ErrorKind::InvalidInput,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, e)
    }
}

fn check(op: &'static str, raw: i32) -> Result<(), Error> {
    match Code::from_raw(raw) {
        None => Ok(()),
        Some(code) => Err(Error { op, code }),
    }
}

/// An open response; the body is read through [`io::Read`] (0 at the end). Dropping it closes it.
#[derive(Debug)]
pub struct Response {
    handle: u32,
    status: u16,
    closed: bool,
}

/// Sends a request and waits for the response head (redirects followed by the host).
/// `headers` are (name, value) pairs; values must not contain CR or LF.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Response, Error> {
    let mut block = String::new();
    for (name, value) in headers {
        if name.is_empty() || name.contains([':', ' ', '\r', '\n']) || value.contains(['\r', '\n']) {
            return Err(Error { op: "request", code: Code::BadArgument });
        }
        block.push_str(name);
        block.push_str(": ");
        block.push_str(value);
        block.push('\n');
    }
    let mut handle = 0u32;
    // SAFETY: every pointer/length pair comes from a live slice; handle is a live u32.
    check("request", unsafe {
        abi::request(
            method.as_ptr(),
            method.len() as u32,
            url.as_ptr(),
            url.len() as u32,
            block.as_ptr(),
            block.len() as u32,
            body.as_ptr(),
            body.len() as u32,
            &mut handle,
        )
    })?;
    let mut resp = Response { handle, status: 0, closed: false };
    let mut status = 0u32;
    // SAFETY: status is a live u32.
    check("response_status", unsafe { abi::response_status(handle, &mut status) })?;
    resp.status = status as u16;
    Ok(resp)
}

/// `request("GET", url, &[], &[])`.
pub fn get(url: &str) -> Result<Response, Error> {
    request("GET", url, &[], &[])
}

impl Response {
    /// The final status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers as (lower-case name, value) pairs in received order.
    pub fn headers(&self) -> Result<Vec<(String, String)>, Error> {
        let mut needed = 0u32;
        // SAFETY: a zero-length buffer; needed is a live u32.
        let first = unsafe { abi::response_headers(self.handle, std::ptr::null_mut(), 0, &mut needed) };
        let mut buf = vec![0u8; needed as usize];
        if first != 0 {
            if Code::from_raw(first) != Some(Code::BufferTooSmall) {
                check("response_headers", first)?;
            }
            // SAFETY: buf is live and holds `needed` bytes.
            check("response_headers", unsafe {
                abi::response_headers(self.handle, buf.as_mut_ptr(), buf.len() as u32, &mut needed)
            })?;
            buf.truncate(needed as usize);
        }
        let text = String::from_utf8_lossy(&buf);
        Ok(text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect())
    }

    /// Closes the response now (dropping it does the same).
    pub fn close(mut self) -> Result<(), Error> {
        self.closed = true;
        // SAFETY: plain integer call.
        check("response_close", unsafe { abi::response_close(self.handle) })
    }
}

impl io::Read for Response {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let len = buf.len().min(u32::MAX as usize) as u32;
        let mut n = 0u32;
        // SAFETY: buf is live and holds at least len bytes; n is a live u32.
        check("response_read", unsafe { abi::response_read(self.handle, buf.as_mut_ptr(), len, &mut n) })?;
        Ok(n as usize)
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        if !self.closed {
            // SAFETY: plain integer call.
            unsafe {
                abi::response_close(self.handle);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_injection_is_refused_before_the_host() {
        let e = request("GET", "https://example.com/", &[("X", "a\r\nHost: evil")], &[]).unwrap_err();
        assert_eq!(e.code, Code::BadArgument);
    }

    #[test]
    fn no_host_outside_wasm() {
        let e = get("https://example.com/").unwrap_err();
        assert_eq!(e.code, Code::Unavailable);
        assert!(e.to_string().contains("UNAVAILABLE"));
    }
}
