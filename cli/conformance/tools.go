//go:build tools

// Package conformance only pins the Go SDK version whose conformance server build.sh compiles.
package conformance

import _ "github.com/modelcontextprotocol/go-sdk/mcp"
