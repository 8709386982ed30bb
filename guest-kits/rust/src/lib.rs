//! Guest kit for MCP servers compiled to `wasm32-wasip1` and run by mcpwasm.
//!
//! - [`stdio()`] (feature `stdio`, on by default): the pair rmcp's `.serve(...)` takes, over fds 0
//!   and 1, for tokio's current-thread runtime on wasip1. A drop-in for `rmcp::transport::stdio()`,
//!   which needs tokio's `io-std` and does not build for wasip1.
//! - [`http`]: the binding for mcpwasm's outbound HTTP capability (`mcpwasm_http_v1`).
//!
//! ```ignore
//! use mcpwasm_guest::stdio; // instead of rmcp::transport::stdio
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> anyhow::Result<()> {
//!     let service = Calculator.serve(stdio()).await?;
//!     service.waiting().await?;
//!     Ok(())
//! }
//! ```

pub mod http;

#[cfg(feature = "stdio")]
mod stdio;

#[cfg(feature = "stdio")]
pub use stdio::{stdio, Stdin, Stdout};

#[cfg(all(feature = "pthread-stubs", target_os = "wasi"))]
mod pthread_stubs;
