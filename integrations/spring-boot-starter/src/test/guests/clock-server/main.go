// clock-server: an MCP server (stdio, one JSON-RPC message per line) whose one tool, "now", answers the guest's
// realtime clock (WASI clock_time_get through Go's time.Now) in RFC 3339, UTC. The starter's tests use it to see
// which clock a policy gave the guest. Standard library only; the JSON handling is deliberately tiny: it only
// finds "id", "method" and "protocolVersion" in the requests the host sends.
package main

import (
	"bufio"
	"os"
	"strings"
	"time"
)

// field returns the raw JSON value of a top-level-looking key: a string's contents (quoted=true) or the text up
// to the next ',' or '}' (numbers).
func field(line, key string, quoted bool) string {
	at := strings.Index(line, "\""+key+"\":")
	if at < 0 {
		return ""
	}
	rest := strings.TrimLeft(line[at+len(key)+3:], " ")
	if quoted {
		if !strings.HasPrefix(rest, "\"") {
			return ""
		}
		end := strings.Index(rest[1:], "\"")
		if end < 0 {
			return ""
		}
		return rest[1 : end+1]
	}
	end := strings.IndexAny(rest, ",}")
	if end < 0 {
		return ""
	}
	return strings.TrimSpace(rest[:end])
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	reply := func(id, result string) {
		out.WriteString(`{"jsonrpc":"2.0","id":` + id + `,"result":` + result + "}\n")
		out.Flush()
	}
	for in.Scan() {
		line := in.Text()
		id := field(line, "id", false)
		if id == "" { // a notification
			continue
		}
		switch field(line, "method", true) {
		case "initialize":
			version := field(line, "protocolVersion", true)
			reply(id, `{"protocolVersion":"`+version+`","capabilities":{"tools":{}},`+
				`"serverInfo":{"name":"clock-server","version":"1.0.0"}}`)
		case "ping":
			reply(id, `{}`)
		case "tools/list":
			reply(id, `{"tools":[{"name":"now","description":"The guest's realtime clock, RFC 3339 in UTC.",`+
				`"inputSchema":{"type":"object"}}]}`)
		case "tools/call":
			now := time.Now().UTC().Format(time.RFC3339)
			reply(id, `{"content":[{"type":"text","text":"`+now+`"}]}`)
		default:
			out.WriteString(`{"jsonrpc":"2.0","id":` + id + `,"error":{"code":-32601,"message":"method not found"}}` + "\n")
			out.Flush()
		}
	}
}
