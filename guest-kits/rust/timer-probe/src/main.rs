//! Test guest for the kit's stdin reader (guest-kits/rust/src/stdio.rs), used by the Java test
//! `RustKitTimerTest`: while the reader waits for input, a task of the same current-thread runtime
//! writes `tick N` to stderr every 10 ms; each line read from stdin is answered on stdout as
//! `echo LINE`. With a reader that blocked the runtime on stdin, no tick would be written while
//! stdin is quiet; with one that polled stdin on a slow timer, echoes would come late.

use std::io::Write;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (stdin, mut stdout) = mcpwasm_guest::stdio();
    tokio::spawn(async {
        let mut n = 0u64;
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            n += 1;
            let _ = writeln!(std::io::stderr(), "tick {n}");
        }
    });
    let mut lines = BufReader::new(stdin).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = format!("echo {line}\n");
        if stdout.write_all(answer.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
            break;
        }
    }
}
