// Command fileops does ordinary file work with Go's os package in the /data grant and prints the
// transcript in src/test/resources/guests/fileops-expected.txt (the C, Rust and Zig programs print the same lines).
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

func fail(what string, err error) {
	fmt.Printf("FAIL %s %v\n", what, err)
	os.Exit(1)
}

func quoted(b []byte) string {
	return `"` + strings.ReplaceAll(string(b), "\n", `\n`) + `"`
}

func statLine(shown, path string, withSize bool) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("stat %s missing\n", shown)
		return
	}
	if err != nil {
		fail("stat", err)
	}
	line := "stat " + shown
	if withSize {
		line += fmt.Sprintf(" size=%d", fi.Size())
	}
	kind := "other"
	if fi.IsDir() {
		kind = "dir"
	} else if fi.Mode().IsRegular() {
		kind = "file"
	}
	fmt.Printf("%s type=%s\n", line, kind)
}

func readdirLine(shown, path string) {
	entries, err := os.ReadDir(path)
	if err != nil {
		fail("readdir", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	fmt.Printf("readdir %s [%s]\n", shown, strings.Join(names, ","))
}

func main() {
	b, err := os.ReadFile("/data/input.txt")
	if err != nil {
		fail("read", err)
	}
	fmt.Printf("read input.txt %d %s\n", len(b), quoted(b))

	f, err := os.OpenFile("/data/out.txt", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		fail("create", err)
	}
	n, err := f.Write([]byte("hello world\n"))
	if err != nil {
		fail("write", err)
	}
	f.Close()
	fmt.Printf("write out.txt %d\n", n)

	f, err = os.Open("/data/out.txt")
	if err != nil {
		fail("open", err)
	}
	if _, err := f.Seek(6, io.SeekStart); err != nil {
		fail("seek", err)
	}
	buf := make([]byte, 5)
	n, err = io.ReadFull(f, buf)
	if err != nil {
		fail("read", err)
	}
	fmt.Printf("seek 6 read %d %s\n", n, quoted(buf[:n]))
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		fail("tell", err)
	}
	fmt.Printf("tell %d\n", pos)
	f.Close()

	statLine("out.txt", "/data/out.txt", true)
	if err := os.Mkdir("/data/dir", 0o755); err != nil {
		fail("mkdir", err)
	}
	fmt.Println("mkdir dir")
	statLine("dir", "/data/dir", false)
	if err := os.Rename("/data/out.txt", "/data/dir/moved.txt"); err != nil {
		fail("rename", err)
	}
	fmt.Println("rename out.txt dir/moved.txt")
	statLine("out.txt", "/data/out.txt", true)
	readdirLine("dir", "/data/dir")

	if err := os.Truncate("/data/dir/moved.txt", 5); err != nil {
		fail("truncate", err)
	}
	fmt.Println("truncate dir/moved.txt 5")
	statLine("dir/moved.txt", "/data/dir/moved.txt", true)
	b, err = os.ReadFile("/data/dir/moved.txt")
	if err != nil {
		fail("read", err)
	}
	fmt.Printf("read dir/moved.txt %s\n", quoted(b))

	f, err = os.OpenFile("/data/dir/moved.txt", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		fail("open append", err)
	}
	n, err = f.Write([]byte("!!\n"))
	if err != nil {
		fail("append", err)
	}
	f.Close()
	fmt.Printf("append dir/moved.txt %d\n", n)
	b, err = os.ReadFile("/data/dir/moved.txt")
	if err != nil {
		fail("read", err)
	}
	fmt.Printf("read dir/moved.txt %s\n", quoted(b))

	if err := os.Remove("/data/dir/moved.txt"); err != nil {
		fail("unlink", err)
	}
	fmt.Println("unlink dir/moved.txt")
	statLine("dir/moved.txt", "/data/dir/moved.txt", true)
	if err := os.Remove("/data/dir"); err != nil {
		fail("rmdir", err)
	}
	fmt.Println("rmdir dir")
	readdirLine(".", "/data")

	if _, err := os.Open("/data/missing.txt"); !errors.Is(err, fs.ErrNotExist) {
		fail("open missing", err)
	}
	fmt.Println("open missing.txt missing")
	fmt.Println("done")
}
