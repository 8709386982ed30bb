// Package mcpwasmhttp gives a wasm32-wasip1 guest outbound HTTP(S) through the
// mcpwasm host's import module mcpwasm_http_v1 (see docs/network.md in the
// mcpwasm repository). The host resolves names, speaks TLS, follows redirects
// and enforces which hosts the guest may reach; the guest sees a status,
// headers and a streamed body.
//
//	resp, err := mcpwasmhttp.Do("GET", "https://api.example.com/v1/items", nil, nil)
//	if err != nil { ... }             // *mcpwasmhttp.Error with the host's code
//	defer resp.Close()
//	body, err := io.ReadAll(io.LimitReader(resp, 1<<20))
//
// Or through net/http: mcpwasmhttp.Install() once in main makes http.Get,
// http.DefaultClient and every client without its own Transport use the host;
// &http.Client{Transport: mcpwasmhttp.Transport{}} does it for one client.
//
// A Response is not safe for concurrent use. Outside wasip1 every call fails
// with code Unavailable.
package mcpwasmhttp

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Code is a result code of the mcpwasm_http_v1 ABI.
type Code int32

// The codes of docs/network.md; Unavailable is this package's own (no host).
const (
	OK               Code = 0
	DeniedHost       Code = 1
	DeniedAddress    Code = 2
	Timeout          Code = 3
	TooLarge         Code = 4
	BadArgument      Code = 5
	BadHandle        Code = 6
	IO               Code = 7
	TooManyRequests  Code = 8
	NameNotResolved  Code = 9
	TooManyRedirects Code = 10
	BufferTooSmall   Code = 11
	TLS              Code = 12
	Closed           Code = 13
	Unavailable      Code = -1
)

var codeNames = map[Code][2]string{
	OK:               {"OK", "success"},
	DeniedHost:       {"DENIED_HOST", "the host is not allowed by the manifest and the host policy"},
	DeniedAddress:    {"DENIED_ADDRESS", "the host resolves to an address the policy refuses"},
	Timeout:          {"TIMEOUT", "the request timed out"},
	TooLarge:         {"TOO_LARGE", "the request or the response is larger than allowed"},
	BadArgument:      {"BAD_ARGUMENT", "malformed method, URL, header or buffer"},
	BadHandle:        {"BAD_HANDLE", "no such open response"},
	IO:               {"IO", "connection or protocol failure"},
	TooManyRequests:  {"TOO_MANY_REQUESTS", "too many requests open at once"},
	NameNotResolved:  {"NAME_NOT_RESOLVED", "the host name did not resolve"},
	TooManyRedirects: {"TOO_MANY_REDIRECTS", "too many redirects"},
	BufferTooSmall:   {"BUFFER_TOO_SMALL", "buffer too small"},
	TLS:              {"TLS", "TLS handshake failed"},
	Closed:           {"CLOSED", "the host closed the network capability"},
	Unavailable:      {"UNAVAILABLE", "no mcpwasm host (not running under wasip1)"},
}

// String is the ABI name of the code, e.g. "DENIED_HOST".
func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n[0]
	}
	return fmt.Sprintf("CODE_%d", int32(c))
}

// Description says what the code means, in words.
func (c Code) Description() string {
	if n, ok := codeNames[c]; ok {
		return n[1]
	}
	return "unknown error code"
}

// Error is a failed call: which operation and the host's code.
type Error struct {
	Op   string
	Code Code
}

func (e *Error) Error() string {
	return fmt.Sprintf("mcpwasm_http_v1 %s: %s (%s)", e.Op, e.Code, e.Code.Description())
}

// Available reports whether the package was built for a host that may provide
// the imports (wasip1). Whether the host grants any destination is only known
// by trying.
func Available() bool { return hostAvailable }

// Response is an open response: status, headers, and the body as an io.Reader.
// Close it to release the host's connection and request slot.
type Response struct {
	handle     uint32
	StatusCode int
	// Header maps lower-case names to their values in received order.
	Header map[string][]string
	eof    bool
	closed bool
}

// Do sends a request and returns the response once its head has arrived
// (redirects already followed by the host). header values must not hold CR or
// LF; the host refuses Host, Content-Length, Transfer-Encoding, Connection and
// similar connection headers (BadArgument).
func Do(method, url string, header map[string][]string, body []byte) (*Response, error) {
	block, err := encodeHeaders(header)
	if err != nil {
		return nil, err
	}
	handle, c := rawRequest(method, url, block, body)
	if c != OK {
		return nil, &Error{"request", c}
	}
	r := &Response{handle: handle}
	status, c := rawStatus(handle)
	if c != OK {
		rawClose(handle)
		return nil, &Error{"response_status", c}
	}
	r.StatusCode = status
	raw, c := rawHeaders(handle)
	if c != OK {
		rawClose(handle)
		return nil, &Error{"response_headers", c}
	}
	r.Header = parseHeaders(raw)
	return r, nil
}

// Get is Do("GET", url, nil, nil).
func Get(url string) (*Response, error) { return Do("GET", url, nil, nil) }

// Read reads body bytes; io.EOF at the end of the body.
func (r *Response) Read(p []byte) (int, error) {
	if r.closed {
		return 0, &Error{"response_read", BadHandle}
	}
	if r.eof {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, c := rawRead(r.handle, p)
	if c != OK {
		return 0, &Error{"response_read", c}
	}
	if n == 0 {
		r.eof = true
		return 0, io.EOF
	}
	return n, nil
}

// Close releases the response. Closing twice is harmless.
func (r *Response) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if c := rawClose(r.handle); c != OK {
		return &Error{"response_close", c}
	}
	return nil
}

// ReadLimited reads at most max bytes of the body; truncated reports whether
// more was left. A TooLarge error from the host (its own cap) is returned as is.
func (r *Response) ReadLimited(max int) (data []byte, truncated bool, err error) {
	buf := make([]byte, 0, min(max, 64*1024))
	chunk := make([]byte, 16*1024)
	for len(buf) < max {
		want := min(len(chunk), max-len(buf))
		n, err := r.Read(chunk[:want])
		buf = append(buf, chunk[:n]...)
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	// The limit is reached: see whether anything is left.
	var one [1]byte
	n, err := r.Read(one[:])
	if err == io.EOF {
		return buf, false, nil
	}
	if err != nil {
		// The caller has what it asked for; an error after it only says the rest is unavailable.
		return buf, true, nil
	}
	return buf, n > 0, nil
}

func encodeHeaders(h map[string][]string) ([]byte, error) {
	if len(h) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		if k == "" || strings.ContainsAny(k, ": \t\r\n") {
			return nil, &Error{"request", BadArgument}
		}
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				return nil, &Error{"request", BadArgument}
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String()), nil
}

func parseHeaders(raw []byte) map[string][]string {
	h := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		h[name] = append(h[name], strings.TrimSpace(value))
	}
	return h
}
