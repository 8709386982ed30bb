//! Ordinary file work with Rust std in the /data grant; prints the transcript in src/test/resources/guests/fileops-expected.txt
//! (the C, Go and Zig programs print the same lines).
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::process::exit;

fn fail(what: &str, err: std::io::Error) -> ! {
    println!("FAIL {what} {err}");
    exit(1);
}

fn quoted(b: &[u8]) -> String {
    format!("\"{}\"", String::from_utf8_lossy(b).replace('\n', "\\n"))
}

fn stat_line(shown: &str, path: &str, with_size: bool) {
    match fs::metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("stat {shown} missing"),
        Err(e) => fail("stat", e),
        Ok(m) => {
            let kind = if m.is_dir() { "dir" } else if m.is_file() { "file" } else { "other" };
            if with_size {
                println!("stat {shown} size={} type={kind}", m.len());
            } else {
                println!("stat {shown} type={kind}");
            }
        }
    }
}

fn readdir_line(shown: &str, path: &str) {
    let mut names: Vec<String> = fs::read_dir(path)
        .unwrap_or_else(|e| fail("readdir", e))
        .map(|e| e.unwrap_or_else(|e| fail("readdir", e)).file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    println!("readdir {shown} [{}]", names.join(","));
}

fn main() {
    let b = fs::read("/data/input.txt").unwrap_or_else(|e| fail("read", e));
    println!("read input.txt {} {}", b.len(), quoted(&b));

    let mut f = OpenOptions::new().write(true).create(true).truncate(true).open("/data/out.txt")
        .unwrap_or_else(|e| fail("create", e));
    let n = f.write(b"hello world\n").unwrap_or_else(|e| fail("write", e));
    drop(f);
    println!("write out.txt {n}");

    let mut f = fs::File::open("/data/out.txt").unwrap_or_else(|e| fail("open", e));
    f.seek(SeekFrom::Start(6)).unwrap_or_else(|e| fail("seek", e));
    let mut buf = [0u8; 5];
    f.read_exact(&mut buf).unwrap_or_else(|e| fail("read", e));
    println!("seek 6 read 5 {}", quoted(&buf));
    let pos = f.stream_position().unwrap_or_else(|e| fail("tell", e));
    println!("tell {pos}");
    drop(f);

    stat_line("out.txt", "/data/out.txt", true);
    fs::create_dir("/data/dir").unwrap_or_else(|e| fail("mkdir", e));
    println!("mkdir dir");
    stat_line("dir", "/data/dir", false);
    fs::rename("/data/out.txt", "/data/dir/moved.txt").unwrap_or_else(|e| fail("rename", e));
    println!("rename out.txt dir/moved.txt");
    stat_line("out.txt", "/data/out.txt", true);
    readdir_line("dir", "/data/dir");

    let f = OpenOptions::new().write(true).open("/data/dir/moved.txt").unwrap_or_else(|e| fail("open", e));
    f.set_len(5).unwrap_or_else(|e| fail("truncate", e));
    drop(f);
    println!("truncate dir/moved.txt 5");
    stat_line("dir/moved.txt", "/data/dir/moved.txt", true);
    let b = fs::read("/data/dir/moved.txt").unwrap_or_else(|e| fail("read", e));
    println!("read dir/moved.txt {}", quoted(&b));

    let mut f = OpenOptions::new().append(true).open("/data/dir/moved.txt").unwrap_or_else(|e| fail("open", e));
    let n = f.write(b"!!\n").unwrap_or_else(|e| fail("append", e));
    drop(f);
    println!("append dir/moved.txt {n}");
    let b = fs::read("/data/dir/moved.txt").unwrap_or_else(|e| fail("read", e));
    println!("read dir/moved.txt {}", quoted(&b));

    fs::remove_file("/data/dir/moved.txt").unwrap_or_else(|e| fail("unlink", e));
    println!("unlink dir/moved.txt");
    stat_line("dir/moved.txt", "/data/dir/moved.txt", true);
    fs::remove_dir("/data/dir").unwrap_or_else(|e| fail("rmdir", e));
    println!("rmdir dir");
    readdir_line(".", "/data");

    match fs::File::open("/data/missing.txt") {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("open missing.txt missing"),
        Err(e) => fail("open missing", e),
        Ok(_) => {
            println!("FAIL open missing succeeded");
            exit(1);
        }
    }
    println!("done");
}
