// Command wazero-peer runs a wasm32-wasip1 MCP server under wazero (pure Go, its optimizing compiler) and drives
// it with the JSON-RPC lines the Java suite sends (written by io.mcpwasm.bench.PeerLines), one request at a time
// over its stdin and stdout: the wazero row of the benchmarks.
//
//	wazero-peer -wasm x.wasm -lines dir -sample zig-tools [-mount /guest=/host[:ro]] [-seconds 5] [-starts 10]
//	            [-cache dir]
//
// It prints one JSON object: the compile time, the warm start (a new instance of the compiled module up to the
// answer to initialize), the trivial call's round trip and, for zig-tools, the sha256 of 1 MiB (min and median).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

type mounts []string

func (m *mounts) String() string     { return strings.Join(*m, ",") }
func (m *mounts) Set(v string) error { *m = append(*m, v); return nil }

// server is one running instance: its stdin, its stdout split into lines, and how it ended.
type server struct {
	stdin *os.File
	out   *bufio.Reader
	done  chan error
}

func start(ctx context.Context, r wazero.Runtime, compiled wazero.CompiledModule, name string, ms mounts) *server {
	// OS pipes, not io.Pipe: the Rust sample polls stdin (poll_oneoff), which wazero answers for real files only.
	inR, inW, err := os.Pipe()
	if err != nil {
		fail("pipe: %v", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		fail("pipe: %v", err)
	}
	fsc := wazero.NewFSConfig()
	for _, m := range ms {
		guest, host, ok := strings.Cut(m, "=")
		if !ok {
			fail("mount %q: want /guest=/host[:ro]", m)
		}
		if h, isRO := strings.CutSuffix(host, ":ro"); isRO {
			fsc = fsc.WithReadOnlyDirMount(h, guest)
		} else {
			fsc = fsc.WithDirMount(host, guest)
		}
	}
	cfg := wazero.NewModuleConfig().WithName("").WithArgs(name).WithStdin(inR).WithStdout(outW).
		WithStderr(io.Discard).WithFSConfig(fsc).WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(randReader{})
	s := &server{stdin: inW, out: bufio.NewReaderSize(outR, 1<<20), done: make(chan error, 1)}
	go func() {
		mod, err := r.InstantiateModule(ctx, compiled, cfg)
		if mod != nil {
			mod.Close(ctx)
		}
		outW.Close()
		inR.Close()
		s.done <- err
	}()
	return s
}

// randReader: the guests ask for random bytes at start; crypto quality does not matter for a benchmark.
type randReader struct{}

func (randReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i * 131)
	}
	return len(p), nil
}

// send writes a line and, when it is a request (it has an id), returns the answer line; an error answer fails the
// run when mustSucceed.
func (s *server) send(line []byte, mustSucceed bool) []byte {
	if _, err := s.stdin.Write(append(line, '\n')); err != nil {
		fail("write: %v", err)
	}
	if !bytes.Contains(line[:min(len(line), 64)], []byte(`"id":`)) {
		return nil // a notification (PeerLines' lines put the id first)
	}
	answer, err := s.out.ReadBytes('\n')
	if err != nil {
		fail("read: %v", err)
	}
	if mustSucceed && (strings.Contains(string(answer), `"isError":true`) || strings.Contains(string(answer), `"error":{`)) {
		fail("error answer: %.300s", answer)
	}
	return answer
}

func (s *server) stop() {
	s.stdin.Close()
	<-s.done
}

func readLines(path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var lines [][]byte
	for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if l != "" {
			lines = append(lines, []byte(l))
		}
	}
	return lines
}

// stats: min and median in microseconds.
func stats(samples []time.Duration) map[string]any {
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
	return map[string]any{"n": len(samples), "min_us": us(samples[0]), "p50_us": us(samples[len(samples)/2])}
}

// loop sends line again and again for the given time (at least 3 times) and returns the round trips.
func loop(s *server, line []byte, d time.Duration) []time.Duration {
	var samples []time.Duration
	end := time.Now().Add(d)
	for len(samples) < 3 || time.Now().Before(end) {
		t := time.Now()
		s.send(line, true)
		samples = append(samples, time.Since(t))
	}
	return samples
}

func main() {
	wasm := flag.String("wasm", "", "the module")
	linesDir := flag.String("lines", "", "directory of <sample>-{start,setup,call}.jsonl and compute.jsonl")
	sample := flag.String("sample", "", "sample name")
	seconds := flag.Float64("seconds", 5, "seconds of calls (after as many of warm-up)")
	starts := flag.Int("starts", 10, "warm starts to time")
	cacheDir := flag.String("cache", "", "wazero's compilation cache directory (none when empty)")
	var ms mounts
	flag.Var(&ms, "mount", "/guest=/host[:ro], repeatable")
	flag.Parse()
	ctx := context.Background()
	code, err := os.ReadFile(*wasm)
	if err != nil {
		fail("%v", err)
	}
	rc := wazero.NewRuntimeConfigCompiler()
	if *cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			fail("cache: %v", err)
		}
		rc = rc.WithCompilationCache(cache)
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	t0 := time.Now()
	compiled, err := r.CompileModule(ctx, code)
	if err != nil {
		fail("compile: %v", err)
	}
	result := map[string]any{"runtime": "wazero", "version": "v1.12.0", "sample": *sample,
		"compile_ms": float64(time.Since(t0).Microseconds()) / 1000}
	// the client's set-up: its discovery probe (the samples answer it with an error), initialize, initialized
	handshake := readLines(filepath.Join(*linesDir, *sample+"-start.jsonl"))
	setup := readLines(filepath.Join(*linesDir, *sample+"-setup.jsonl"))
	open := func() *server {
		s := start(ctx, r, compiled, *sample, ms)
		for _, l := range handshake {
			s.send(l, false)
		}
		return s
	}
	var startTimes []time.Duration
	for i := 0; i < *starts; i++ {
		t := time.Now()
		s := open()
		startTimes = append(startTimes, time.Since(t))
		s.stop()
	}
	result["warm_start"] = stats(startTimes)

	s := open()
	for _, l := range setup {
		s.send(l, true)
	}
	call := readLines(filepath.Join(*linesDir, *sample+"-call.jsonl"))[0]
	d := time.Duration(*seconds * float64(time.Second))
	loop(s, call, d)
	result["call"] = stats(loop(s, call, d))
	if *sample == "zig-tools" {
		compute := readLines(filepath.Join(*linesDir, "compute.jsonl"))[0]
		loop(s, compute, d)
		result["compute"] = stats(loop(s, compute, d))
	}
	s.stop()
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "wazero-peer: "+format+"\n", args...)
	os.Exit(1)
}
