// go-probe: a Go (wasip1) guest for WasiHostGoGuestTest. Go's runtime sets NONBLOCK on stdio, reads stdin
// in a goroutine and parks in poll_oneoff with an fd_read and a clock subscription: a ticker must keep
// firing while stdin is idle, and input must wake the reader at once.
// Rebuild: build.sh beside this file (reports whether the result is byte-identical to the committed .wasm).
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"time"
)

func main() {
	fmt.Printf("arg=%s granted=%q home=%q\n", os.Args[1], os.Getenv("GRANTED"), os.Getenv("HOME"))
	entries, err := os.ReadDir("/data")
	if err != nil {
		fmt.Println("readdir error:", err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	fmt.Printf("data=%v\n", names)
	token, err := os.ReadFile("/run/secrets/token")
	fmt.Printf("token=%s err=%v\n", token, err)
	_, err = os.ReadFile("/data/../../etc/passwd")
	fmt.Printf("escape refused=%v\n", err != nil)
	_, err = os.ReadFile("/data/token")
	fmt.Printf("secret elsewhere refused=%v\n", err != nil)
	err = os.WriteFile("/scratch/go.txt", []byte("from go"), 0o644)
	fmt.Printf("write err=%v\n", err)

	lines := make(chan string)
	go func() {
		s := bufio.NewScanner(os.Stdin)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	tick := time.NewTicker(5 * time.Millisecond)
	ticks := 0
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				fmt.Printf("eof ticked=%v\n", ticks >= 3)
				os.Exit(5)
			}
			fmt.Printf("echo %s\n", l)
		case <-tick.C:
			ticks++
			if ticks == 3 {
				fmt.Println("ticked while stdin idle")
			}
		}
	}
}
