// Command http-fetch-go is a tiny MCP server with one tool, fetch_url, that
// fetches a URL through the mcpwasm host's network capability (import module
// mcpwasm_http_v1) and returns the start of the body as text. Which hosts it
// may reach is decided by the host: the manifest's network.hosts intersected
// with the host policy.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mcpwasm/guest-kits/go/mcpwasmhttp"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const (
	serverName      = "http-fetch-go"
	serverVersion   = "0.1.0"
	defaultMaxBytes = 16 * 1024
	maxMaxBytes     = 256 * 1024
)

type fetchArgs struct {
	URL      string `json:"url" jsonschema:"absolute http:// or https:// URL; only hosts granted to this server are reachable"`
	MaxBytes int    `json:"maxBytes,omitempty" jsonschema:"most body bytes returned (default 16384, at most 262144)"`
}

func textResult(s string, isError bool) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}, IsError: isError}
}

func fetchURL(_ context.Context, _ *mcp.CallToolRequest, in fetchArgs) (*mcp.CallToolResult, any, error) {
	url := strings.TrimSpace(in.URL)
	if url == "" {
		return textResult("url is required", true), nil, nil
	}
	max := in.MaxBytes
	if max <= 0 {
		max = defaultMaxBytes
	}
	if max > maxMaxBytes {
		max = maxMaxBytes
	}
	resp, err := mcpwasmhttp.Get(url)
	if err != nil {
		return textResult(describe(err), true), nil, nil
	}
	defer resp.Close()
	body, truncated, err := resp.ReadLimited(max)
	if err != nil {
		return textResult(fmt.Sprintf("HTTP %d, but reading the body failed: %s", resp.StatusCode, describe(err)), true), nil, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", resp.StatusCode)
	if ct := resp.Header["content-type"]; len(ct) > 0 {
		fmt.Fprintf(&b, "content-type: %s\n", ct[0])
	}
	b.WriteString("\n")
	text := string(body)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	b.WriteString(text)
	if truncated {
		fmt.Fprintf(&b, "\n[truncated after %d bytes]", len(body))
	}
	return textResult(b.String(), resp.StatusCode >= 400), nil, nil
}

func describe(err error) string {
	var e *mcpwasmhttp.Error
	if errors.As(err, &e) {
		return fmt.Sprintf("fetch failed: %s: %s", e.Code, e.Code.Description())
	}
	return "fetch failed: " + err.Error()
}

func main() {
	log.SetFlags(0)
	log.SetPrefix(serverName + ": ")
	s := mcp.NewServer(&mcp.Implementation{Name: serverName, Version: serverVersion}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "fetch_url",
		Description: "Fetch a web page or API response by URL (GET) and return the status, content type and the start of the body as text. Only hosts granted to this server can be reached."},
		fetchURL)
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Printf("server stopped: %v", err)
		os.Exit(1)
	}
}
