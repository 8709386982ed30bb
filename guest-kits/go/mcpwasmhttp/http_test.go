package mcpwasmhttp

import (
	"errors"
	"net/http"
	"testing"
)

func TestHeaderRoundTrip(t *testing.T) {
	b, err := encodeHeaders(map[string][]string{"X-B": {"2"}, "Accept": {"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != "Accept: a\nAccept: b\nX-B: 2\n" {
		t.Fatalf("encoded %q", got)
	}
	h := parseHeaders([]byte("content-type: text/plain\nx-a: 1\nx-a: 2\n"))
	if h["content-type"][0] != "text/plain" || len(h["x-a"]) != 2 {
		t.Fatalf("parsed %v", h)
	}
}

func TestInjectionRefused(t *testing.T) {
	_, err := encodeHeaders(map[string][]string{"X": {"a\r\nHost: evil"}})
	var e *Error
	if !errors.As(err, &e) || e.Code != BadArgument {
		t.Fatalf("got %v", err)
	}
}

func TestNoHostOutsideWasip1(t *testing.T) {
	if Available() {
		t.Skip("running under wasip1")
	}
	_, err := Get("https://example.com/")
	var e *Error
	if !errors.As(err, &e) || e.Code != Unavailable {
		t.Fatalf("got %v", err)
	}
}

func TestInstallRoutesDefaultClientThroughTheHost(t *testing.T) {
	if Available() {
		t.Skip("running under wasip1")
	}
	saved := http.DefaultTransport
	defer func() { http.DefaultTransport = saved }()
	Install()
	// Natively there is no host, so a request that went through Transport fails with Unavailable;
	// Go's own transport would have tried to dial instead.
	_, err := http.Get("https://example.com/")
	var e *Error
	if !errors.As(err, &e) || e.Code != Unavailable {
		t.Fatalf("got %v", err)
	}
}
