package mcpwasmhttp

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// MaxRequestBody is how much of an *http.Request body Transport sends at most;
// the host applies its own limit too.
const MaxRequestBody = 8 << 20

// Transport is an http.RoundTripper that sends requests through the host. Use
// it as the Transport of an http.Client. The host follows redirects itself, so
// the client normally sees the final response. Request contexts are not
// observed: the host's timeouts bound every request.
type Transport struct{}

// Install makes Transport the default of net/http, in one line at the start of
// main: http.DefaultTransport is replaced, so http.Get, http.DefaultClient and
// every client without a Transport of its own (as SDKs and API clients build
// them) send their requests through the host. On wasip1 Go's own transport
// cannot dial at all, so nothing that worked before is lost.
func Install() {
	http.DefaultTransport = Transport{}
}

// RoundTrip implements http.RoundTripper.
func (Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, MaxRequestBody+1))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(b) > MaxRequestBody {
			return nil, &Error{"request", TooLarge}
		}
		body = b
	}
	header := map[string][]string{}
	for k, vs := range req.Header {
		switch strings.ToLower(k) {
		case "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te",
			"trailer", "expect":
			continue
		}
		header[k] = vs
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	r, err := Do(method, req.URL.String(), header, body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	for k, vs := range r.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	length := int64(-1)
	if method == http.MethodHead || r.StatusCode == http.StatusNoContent || r.StatusCode == http.StatusNotModified {
		length = 0
	}
	var rc io.ReadCloser = r
	if length == 0 {
		r.Close()
		rc = io.NopCloser(bytes.NewReader(nil))
	}
	return &http.Response{
		Status:        http.StatusText(r.StatusCode),
		StatusCode:    r.StatusCode,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          rc,
		ContentLength: length,
		Request:       req,
	}, nil
}
