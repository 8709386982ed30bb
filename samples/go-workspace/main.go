// Command go-workspace is an MCP server that lets a model browse one
// read-only directory tree. It is built for wasm32-wasip1 and expects the
// host to preopen the tree at the guest path /workspace (a different root may
// be given as the first argument, which is handy for native testing).
//
// It speaks MCP over stdin/stdout (one JSON-RPC message per line) through the
// official Go SDK's StdioTransport.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const (
	defaultRoot        = "/workspace"
	serverName         = "go-workspace"
	serverVersion      = "0.1.0"
	maxListed          = 1000
	defaultReadLimit   = 64 * 1024
	maxReadLimit       = 1024 * 1024
	defaultMaxResults  = 100
	maxMaxResults      = 1000
	maxSearchFileBytes = 4 * 1024 * 1024
	maxLineShown       = 240
	maxPatternLength   = 1024
)

// workspace answers the tool calls against one file tree.
type workspace struct {
	root string
	fsys fs.FS
}

// cleanRel turns a user supplied relative path into a path valid for fs.FS,
// refusing absolute paths and any attempt to climb out of the tree.
func cleanRel(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" || p == "." || p == "./" {
		return ".", nil
	}
	if strings.HasPrefix(p, "/") {
		// Accept paths spelled with the mount point, e.g. /workspace/a.txt.
		if rest, ok := strings.CutPrefix(p, defaultRoot); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
			p = strings.TrimPrefix(rest, "/")
			if p == "" {
				return ".", nil
			}
		} else {
			return "", fmt.Errorf("path %q must be relative to the workspace root", p)
		}
	}
	if strings.Contains(p, "\\") {
		return "", fmt.Errorf("path %q: use '/' as the separator", p)
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("path %q leaves the workspace", p)
	}
	if !fs.ValidPath(c) {
		return "", fmt.Errorf("path %q is not a valid workspace path", p)
	}
	return c, nil
}

// describeErr turns a file system error into text for the model.
func describeErr(rel string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("file not found: %s", rel)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("permission denied: %s", rel)
	default:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s %s: %v", pe.Op, rel, pe.Err)
		}
		return fmt.Errorf("%s: %v", rel, err)
	}
}

func textResult(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// ---------------------------------------------------------------- list_files

type listFilesArgs struct {
	Pattern string `json:"pattern,omitempty" jsonschema:"glob relative to the workspace root; '*' and '?' match within one path segment, '**' matches any number of segments; default '**' (every file)"`
}

// matchGlob reports whether the slash separated relative path name matches
// pattern, where a whole segment "**" matches zero or more segments.
func matchGlob(pattern, name string) (bool, error) {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(pat, segs []string) (bool, error) {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(segs); i++ {
				ok, err := matchSegs(rest, segs[i:])
				if err != nil || ok {
					return ok, err
				}
			}
			return false, nil
		}
		if len(segs) == 0 {
			return false, nil
		}
		ok, err := path.Match(pat[0], segs[0])
		if err != nil || !ok {
			return false, err
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0, nil
}

func (w *workspace) listFiles(_ context.Context, _ *mcp.CallToolRequest, in listFilesArgs) (*mcp.CallToolResult, any, error) {
	pattern := strings.TrimSpace(in.Pattern)
	if pattern == "" {
		pattern = "**"
	}
	pattern = strings.TrimPrefix(pattern, "./")
	if strings.HasPrefix(pattern, "/") || len(pattern) > maxPatternLength {
		return nil, nil, fmt.Errorf("pattern %q must be a relative glob of at most %d characters", pattern, maxPatternLength)
	}
	if _, err := matchGlob(pattern, "x"); err != nil {
		return nil, nil, fmt.Errorf("bad glob pattern %q: %v", pattern, err)
	}
	var found []string
	truncated := false
	err := fs.WalkDir(w.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil // skip unreadable entries
		}
		if p == "." || d.IsDir() {
			return nil
		}
		ok, _ := matchGlob(pattern, p)
		if !ok {
			return nil
		}
		if len(found) == maxListed {
			truncated = true
			return fs.SkipAll
		}
		found = append(found, p)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the workspace: %v", err)
	}
	sort.Strings(found)
	if len(found) == 0 {
		return textResult(fmt.Sprintf("no files match %q", pattern)), nil, nil
	}
	text := strings.Join(found, "\n")
	if truncated {
		text += fmt.Sprintf("\n[stopped after %d files; narrow the pattern]", maxListed)
	}
	return textResult(text), nil, nil
}

// ----------------------------------------------------------------- read_file

type readFileArgs struct {
	Path   string `json:"path" jsonschema:"file path relative to the workspace root"`
	Offset int64  `json:"offset,omitempty" jsonschema:"byte offset to start reading at (default 0)"`
	Limit  int64  `json:"limit,omitempty" jsonschema:"maximum number of bytes to return (default 65536, at most 1048576)"`
}

func (w *workspace) readFile(_ context.Context, _ *mcp.CallToolRequest, in readFileArgs) (*mcp.CallToolResult, any, error) {
	if strings.TrimSpace(in.Path) == "" {
		return nil, nil, errors.New("path is required")
	}
	rel, err := cleanRel(in.Path)
	if err != nil {
		return nil, nil, err
	}
	if in.Offset < 0 {
		return nil, nil, fmt.Errorf("offset must be >= 0, got %d", in.Offset)
	}
	limit := in.Limit
	if limit < 0 {
		return nil, nil, fmt.Errorf("limit must be >= 0, got %d", in.Limit)
	}
	if limit == 0 {
		limit = defaultReadLimit
	}
	if limit > maxReadLimit {
		limit = maxReadLimit
	}
	f, err := w.fsys.Open(rel)
	if err != nil {
		return nil, nil, describeErr(rel, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, describeErr(rel, err)
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("%s is a directory; use list_files", rel)
	}
	size := st.Size()
	if in.Offset > size {
		return nil, nil, fmt.Errorf("offset %d is past the end of %s (%d bytes)", in.Offset, rel, size)
	}
	if in.Offset > 0 {
		s, ok := f.(io.Seeker)
		if !ok {
			return nil, nil, fmt.Errorf("%s cannot be read at an offset", rel)
		}
		if _, err := s.Seek(in.Offset, io.SeekStart); err != nil {
			return nil, nil, describeErr(rel, err)
		}
	}
	buf := make([]byte, limit)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, nil, describeErr(rel, err)
	}
	buf = buf[:n]
	if !utf8.Valid(buf) && bytes.IndexByte(buf, 0) >= 0 {
		return nil, nil, fmt.Errorf("%s looks like a binary file (%d bytes); read_file returns text only", rel, size)
	}
	text := string(buf)
	next := in.Offset + int64(n)
	if next < size {
		text += fmt.Sprintf("\n[read bytes %d-%d of %d; continue with offset=%d]", in.Offset, next, size, next)
	}
	return textResult(text), nil, nil
}

// --------------------------------------------------------------- search_text

type searchTextArgs struct {
	Pattern    string `json:"pattern" jsonschema:"regular expression (Go RE2 syntax) searched line by line"`
	Glob       string `json:"glob,omitempty" jsonschema:"only search files matching this glob (same syntax as list_files); default every file"`
	MaxResults int    `json:"maxResults,omitempty" jsonschema:"maximum number of matching lines to return (default 100, at most 1000)"`
}

func (w *workspace) searchText(ctx context.Context, _ *mcp.CallToolRequest, in searchTextArgs) (*mcp.CallToolResult, any, error) {
	if in.Pattern == "" {
		return nil, nil, errors.New("pattern is required")
	}
	if len(in.Pattern) > maxPatternLength {
		return nil, nil, fmt.Errorf("pattern is longer than %d characters", maxPatternLength)
	}
	re, err := regexp.Compile(in.Pattern)
	if err != nil {
		return nil, nil, fmt.Errorf("bad regex %q: %v", in.Pattern, err)
	}
	glob := strings.TrimPrefix(strings.TrimSpace(in.Glob), "./")
	if glob == "" {
		glob = "**"
	}
	if _, err := matchGlob(glob, "x"); err != nil {
		return nil, nil, fmt.Errorf("bad glob pattern %q: %v", glob, err)
	}
	max := in.MaxResults
	if max < 0 {
		return nil, nil, fmt.Errorf("maxResults must be >= 0, got %d", in.MaxResults)
	}
	if max == 0 {
		max = defaultMaxResults
	}
	if max > maxMaxResults {
		max = maxMaxResults
	}
	var hits []string
	truncated := false
	skipped := 0
	err = fs.WalkDir(w.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if d.IsDir() {
			return nil
		}
		if ok, _ := matchGlob(glob, p); !ok {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > maxSearchFileBytes {
			skipped++
			return nil
		}
		data, err := fs.ReadFile(w.fsys, p)
		if err != nil {
			skipped++
			return nil
		}
		if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
			return nil // binary
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), maxSearchFileBytes)
		line := 0
		for sc.Scan() {
			line++
			t := sc.Text()
			if !re.MatchString(t) {
				continue
			}
			if len(hits) == max {
				truncated = true
				return fs.SkipAll
			}
			t = strings.TrimRight(t, "\r")
			if len(t) > maxLineShown {
				t = t[:maxLineShown] + "..."
			}
			hits = append(hits, fmt.Sprintf("%s:%d: %s", p, line, t))
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("search failed: %v", err)
	}
	var b strings.Builder
	if len(hits) == 0 {
		fmt.Fprintf(&b, "no matches for %q", in.Pattern)
	} else {
		b.WriteString(strings.Join(hits, "\n"))
	}
	if truncated {
		fmt.Fprintf(&b, "\n[stopped after %d matches; raise maxResults or narrow the pattern]", max)
	}
	if skipped > 0 {
		fmt.Fprintf(&b, "\n[%d files skipped: unreadable or larger than %d bytes]", skipped, maxSearchFileBytes)
	}
	return textResult(b.String()), nil, nil
}

// ----------------------------------------------------------------- file_info

type fileInfoArgs struct {
	Path string `json:"path" jsonschema:"path relative to the workspace root ('.' for the root itself)"`
}

type fileInfo struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	Mtime string `json:"mtime"`
	IsDir bool   `json:"isDir"`
}

func (w *workspace) fileInfo(_ context.Context, _ *mcp.CallToolRequest, in fileInfoArgs) (*mcp.CallToolResult, any, error) {
	if strings.TrimSpace(in.Path) == "" {
		return nil, nil, errors.New("path is required")
	}
	rel, err := cleanRel(in.Path)
	if err != nil {
		return nil, nil, err
	}
	st, err := fs.Stat(w.fsys, rel)
	if err != nil {
		return nil, nil, describeErr(rel, err)
	}
	out := fileInfo{Path: rel, Size: st.Size(), Mtime: st.ModTime().UTC().Format(time.RFC3339), IsDir: st.IsDir()}
	data, _ := json.Marshal(out)
	return textResult(string(data)), nil, nil
}

// ---------------------------------------------------------------------- main

func newServer(w *workspace) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: serverName, Version: serverVersion}, &mcp.ServerOptions{
		Instructions: "Read-only access to the files under " + w.root + ". Paths are relative to that root.",
	})
	mcp.AddTool(s, &mcp.Tool{Name: "list_files",
		Description: "List the files in the workspace whose relative path matches a glob (e.g. '**/*.md', 'docs/*'). Returns one relative path per line, at most 1000."},
		w.listFiles)
	mcp.AddTool(s, &mcp.Tool{Name: "read_file",
		Description: "Read a text file from the workspace. Large files are returned in pieces: pass offset (bytes) and limit to page through them."},
		w.readFile)
	mcp.AddTool(s, &mcp.Tool{Name: "search_text",
		Description: "Search the workspace's text files line by line with a regular expression. Returns 'path:line: text' per match, capped by maxResults."},
		w.searchText)
	mcp.AddTool(s, &mcp.Tool{Name: "file_info",
		Description: "Size in bytes, modification time (RFC 3339, UTC) and whether the path is a directory."},
		w.fileInfo)
	return s
}

func main() {
	log.SetFlags(0)
	log.SetPrefix(serverName + ": ")
	root := defaultRoot
	if len(os.Args) > 1 && os.Args[1] != "" {
		root = os.Args[1]
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		log.Printf("warning: workspace root %s is not a readable directory (%v); tools will report errors", root, err)
	}
	w := &workspace{root: root, fsys: os.DirFS(root)}
	if err := newServer(w).Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Printf("server stopped: %v", err)
		os.Exit(1)
	}
}
