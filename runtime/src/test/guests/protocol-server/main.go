// protocol-server is an MCP server for mcpwasm's runtime tests. It speaks MCP over stdio with a hand-written
// JSON-RPC loop (standard library only) so that each test can make it do exactly one thing: page its lists,
// return every content type, report progress, change its tool list, ask the client for roots, stay busy,
// ignore a cancelled call, or break the protocol on purpose. Hidden tools (not listed) act as a hostile guest:
// "flood" sends one kind of message many times, "stop_reading" answers and then never reads its stdin again
// (its main goroutine sleeps, so the guest waits in poll_oneoff on a clock), "counts" tells what it received.
//
// Environment (granted through the manifest + host policy):
//   MCP_TEST_REVISION=2026-07-28  answer server/discover and refuse initialize (a stateless-revision server);
//                                 otherwise server/discover is "method not found" (a 2025-11-25 server).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   json.RawMessage  `json:"error,omitempty"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

var (
	outMu     sync.Mutex
	stateMu   sync.Mutex
	extra     []string
	cancelled []string
	waiting   = map[string]chan struct{}{}
	pending   = map[string]chan message{}
	nextOut   = 0
	// what the hostile tools count
	toolsLists    = 0
	floodAnswered = 0
	floodRefused  = 0
	floodsDone    = 0
	modern        = os.Getenv("MCP_TEST_REVISION") == "2026-07-28"
)

func writeRaw(line []byte) {
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(line)
	os.Stdout.Write([]byte("\n"))
}

func send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	writeRaw(b)
}

func reply(id *json.RawMessage, result any) {
	send(map[string]any{"jsonrpc": "2.0", "id": id, "result": result})
}

func replyError(id *json.RawMessage, code int, msg string) {
	send(map[string]any{"jsonrpc": "2.0", "id": id, "error": rpcError{code, msg}})
}

func notify(method string, params any) {
	send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// ask sends a request to the client and waits for its answer.
func ask(method string, params any) message {
	stateMu.Lock()
	nextOut++
	id := fmt.Sprintf("srv-%d", nextOut)
	ch := make(chan message, 1)
	pending[id] = ch
	stateMu.Unlock()
	send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		return message{Error: json.RawMessage(`{"code":-1,"message":"no answer from client"}`)}
	}
}

func text(s string) map[string]any { return map[string]any{"type": "text", "text": s} }

func toolResult(content ...map[string]any) map[string]any {
	return map[string]any{"content": content}
}

func baseTools() []string {
	return []string{"echo", "all_content", "fail", "slow_echo", "progress", "add_tool", "ask_roots",
		"ask_sampling", "ping_client", "spin", "sleep", "wait_cancel", "cancelled_ids", "malformed", "huge",
		"unknown_id", "exit", "stderr", "env"}
}

func allTools() []string {
	stateMu.Lock()
	defer stateMu.Unlock()
	names := append(baseTools(), extra...)
	return names
}

func toolDef(name string) map[string]any {
	return map[string]any{
		"name":        name,
		"description": "test tool " + name,
		"inputSchema": map[string]any{"type": "object", "properties": map[string]any{}},
	}
}

// page returns items[start:start+size] and the next cursor ("" at the end).
func page[T any](items []T, cursor string, size int) ([]T, string) {
	start := 0
	if cursor != "" {
		fmt.Sscanf(cursor, "p%d", &start)
	}
	if start > len(items) {
		start = len(items)
	}
	end := start + size
	if end >= len(items) {
		return items[start:], ""
	}
	return items[start:end], fmt.Sprintf("p%d", end)
}

type callParams struct {
	Name      string         `json:"name"`
	Arguments map[string]any `json:"arguments"`
	Cursor    string         `json:"cursor"`
	URI       string         `json:"uri"`
	Meta      map[string]any `json:"_meta"`
	RequestID any            `json:"requestId"`
}

func num(args map[string]any, key string, def float64) float64 {
	if v, ok := args[key].(float64); ok {
		return v
	}
	return def
}

func idKey(id *json.RawMessage) string {
	if id == nil {
		return ""
	}
	return string(*id)
}

func handleCall(id *json.RawMessage, p callParams) {
	args := p.Arguments
	if args == nil {
		args = map[string]any{}
	}
	switch p.Name {
	case "echo":
		reply(id, toolResult(text(fmt.Sprint(args["text"]))))
	case "all_content":
		reply(id, map[string]any{
			"content": []any{
				text("plain text"),
				map[string]any{"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
				map[string]any{"type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"},
				map[string]any{"type": "resource_link", "uri": "test://text/1", "name": "one", "mimeType": "text/plain"},
				map[string]any{"type": "resource", "resource": map[string]any{"uri": "test://text/2", "mimeType": "text/plain", "text": "embedded text"}},
				map[string]any{"type": "resource", "resource": map[string]any{"uri": "test://blob", "mimeType": "application/octet-stream", "blob": "AAEC"}},
			},
			"structuredContent": map[string]any{"ok": true, "count": 6},
		})
	case "fail":
		reply(id, map[string]any{"content": []any{text("the tool failed on purpose")}, "isError": true})
	case "slow_echo":
		time.Sleep(time.Duration(num(args, "ms", 0)) * time.Millisecond)
		reply(id, toolResult(text(fmt.Sprint(args["text"]))))
	case "progress":
		token := p.Meta["progressToken"]
		steps := int(num(args, "steps", 3))
		for i := 1; i <= steps; i++ {
			if token != nil {
				notify("notifications/progress", map[string]any{"progressToken": token, "progress": i, "total": steps, "message": fmt.Sprintf("step %d", i)})
			}
		}
		reply(id, toolResult(text(fmt.Sprintf("done %d steps", steps))))
	case "add_tool":
		stateMu.Lock()
		extra = append(extra, fmt.Sprint(args["name"]))
		stateMu.Unlock()
		notify("notifications/tools/list_changed", map[string]any{})
		reply(id, toolResult(text("added")))
	case "ask_roots", "ask_sampling", "ping_client":
		method := map[string]string{"ask_roots": "roots/list", "ask_sampling": "sampling/createMessage", "ping_client": "ping"}[p.Name]
		var params any = map[string]any{}
		if method == "sampling/createMessage" {
			params = map[string]any{"messages": []any{map[string]any{"role": "user", "content": text("hi")}}, "maxTokens": 10}
		}
		m := ask(method, params)
		if m.Error != nil {
			reply(id, toolResult(text("error: "+string(m.Error))))
		} else {
			reply(id, toolResult(text("result: "+string(m.Result))))
		}
	case "spin":
		x := 0
		for {
			x++
			if x < 0 {
				break
			}
		}
		reply(id, toolResult(text(fmt.Sprint(x))))
	case "sleep":
		time.Sleep(time.Duration(num(args, "ms", 1000)) * time.Millisecond)
		reply(id, toolResult(text("slept")))
	case "wait_cancel":
		ch := make(chan struct{})
		stateMu.Lock()
		waiting[idKey(id)] = ch
		stateMu.Unlock()
		select {
		case <-ch: // cancelled: a server must not answer a cancelled request
		case <-time.After(30 * time.Second):
			reply(id, toolResult(text("never cancelled")))
		}
	case "cancelled_ids":
		stateMu.Lock()
		ids := append([]string(nil), cancelled...)
		stateMu.Unlock()
		sort.Strings(ids)
		reply(id, toolResult(text(strings.Join(ids, ","))))
	case "malformed":
		writeRaw([]byte("this is not json {"))
	case "huge":
		n := int(num(args, "bytes", 1<<20))
		reply(id, toolResult(text(strings.Repeat("x", n))))
	case "unknown_id":
		writeRaw([]byte(`{"jsonrpc":"2.0","id":987654321,"result":{}}`))
		reply(id, toolResult(text("sent")))
	case "exit":
		os.Exit(int(num(args, "code", 3)))
	case "stderr":
		fmt.Fprintln(os.Stderr, args["text"])
		reply(id, toolResult(text("written")))
	case "env":
		reply(id, toolResult(text(strings.Join(os.Environ(), "\n"))))
	case "flood":
		flood(id, fmt.Sprint(args["kind"]), int(num(args, "count", 1000)), p.Meta["progressToken"])
	case "counts":
		stateMu.Lock()
		c := map[string]int{"toolsList": toolsLists, "answered": floodAnswered, "refused": floodRefused,
			"floodsDone": floodsDone}
		stateMu.Unlock()
		reply(id, toolResult(text(string(mustJSON(c)))))
	default:
		for _, n := range allTools() {
			if n == p.Name {
				reply(id, toolResult(text("extra tool "+n)))
				return
			}
		}
		replyError(id, -32602, "unknown tool: "+p.Name)
	}
}

// flood writes count messages of one kind as fast as it can (prebuilt lines, no encoder in the loop), then counts
// the flood as done and answers the call. Writes return only once the host has handled the line.
func flood(id *json.RawMessage, kind string, count int, token any) {
	tok := string(mustJSON(token))
	for i := 0; i < count; i++ {
		n := strconv.Itoa(i)
		switch kind {
		case "tools", "prompts", "resources":
			writeRaw([]byte(`{"jsonrpc":"2.0","method":"notifications/` + kind + `/list_changed"}`))
		case "progress":
			writeRaw([]byte(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":` + tok +
				`,"progress":` + n + `}}`))
		case "log":
			writeRaw([]byte(`{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning",` +
				`"logger":"flood","data":"flood ` + n + `"}}`))
		case "updated":
			writeRaw([]byte(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"test://text/` +
				n + `"}}`))
		case "sampling":
			writeRaw([]byte(`{"jsonrpc":"2.0","id":"flood-` + n + `","method":"sampling/createMessage",` +
				`"params":{"messages":[],"maxTokens":1}}`))
		case "stderr":
			os.Stderr.Write([]byte("flood-stderr " + n + "\n"))
		case "error_no_id":
			writeRaw([]byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"flood"}}`))
		}
	}
	stateMu.Lock()
	floodsDone++
	stateMu.Unlock()
	reply(id, toolResult(text(fmt.Sprintf("flooded %d %s", count, kind))))
}

func capabilities() map[string]any {
	return map[string]any{
		"tools":     map[string]any{"listChanged": true},
		"resources": map[string]any{"listChanged": true},
		"prompts":   map[string]any{},
		"logging":   map[string]any{},
	}
}

func handle(m message) {
	if m.Method == "" && m.ID != nil { // a response to one of our requests
		var key string
		json.Unmarshal(*m.ID, &key)
		stateMu.Lock()
		ch := pending[key]
		delete(pending, key)
		if strings.HasPrefix(key, "flood-") {
			if m.Error != nil {
				floodRefused++
			} else {
				floodAnswered++
			}
		}
		stateMu.Unlock()
		if ch != nil {
			ch <- m
		}
		return
	}
	var p callParams
	if len(m.Params) > 0 {
		json.Unmarshal(m.Params, &p)
	}
	if m.ID == nil { // notification
		if m.Method == "notifications/cancelled" {
			key := string(mustJSON(p.RequestID))
			stateMu.Lock()
			cancelled = append(cancelled, key)
			if ch, ok := waiting[key]; ok {
				close(ch)
				delete(waiting, key)
			}
			stateMu.Unlock()
		}
		return
	}
	if modern && m.Method != "server/discover" {
		v, _ := p.Meta["io.modelcontextprotocol/protocolVersion"].(string)
		if v != "2026-07-28" {
			replyError(m.ID, -32602, "request lacks _meta io.modelcontextprotocol/protocolVersion 2026-07-28")
			return
		}
	}
	switch m.Method {
	case "server/discover":
		if !modern {
			replyError(m.ID, -32601, "Method not found: server/discover")
			return
		}
		reply(m.ID, map[string]any{"resultType": "complete", "supportedVersions": []string{"2026-07-28"},
			"capabilities": capabilities(), "serverInfo": map[string]any{"name": "protocol-server", "version": "2.0.0"},
			"instructions": "stateless test server"})
	case "initialize":
		if modern {
			replyError(m.ID, -32601, "Method not found: initialize")
			return
		}
		// Notifications before the initialize response: the client must cope.
		notify("notifications/message", map[string]any{"level": "info", "logger": "early", "data": "hello before init"})
		notify("notifications/tools/list_changed", map[string]any{})
		reply(m.ID, map[string]any{"protocolVersion": "2025-11-25", "capabilities": capabilities(),
			"serverInfo": map[string]any{"name": "protocol-server", "version": "1.0.0"}, "instructions": "test server"})
	case "ping":
		reply(m.ID, map[string]any{})
	case "tools/list":
		stateMu.Lock()
		toolsLists++
		stateMu.Unlock()
		names := allTools()
		items, next := page(names, p.Cursor, 4)
		defs := []any{}
		for _, n := range items {
			defs = append(defs, toolDef(n))
		}
		res := map[string]any{"tools": defs}
		if next != "" {
			res["nextCursor"] = next
		}
		reply(m.ID, res)
	case "tools/call":
		handleCall(m.ID, p)
	case "resources/list":
		all := []any{}
		for i := 1; i <= 5; i++ {
			all = append(all, map[string]any{"uri": fmt.Sprintf("test://text/%d", i), "name": fmt.Sprintf("text %d", i), "mimeType": "text/plain"})
		}
		items, next := page(all, p.Cursor, 2)
		res := map[string]any{"resources": items}
		if next != "" {
			res["nextCursor"] = next
		}
		reply(m.ID, res)
	case "resources/templates/list":
		reply(m.ID, map[string]any{"resourceTemplates": []any{map[string]any{"uriTemplate": "test://text/{n}", "name": "numbered text"}}})
	case "resources/read":
		if p.URI == "test://blob" {
			reply(m.ID, map[string]any{"contents": []any{map[string]any{"uri": p.URI, "mimeType": "application/octet-stream", "blob": "AAEC"}}})
		} else if strings.HasPrefix(p.URI, "test://text/") {
			reply(m.ID, map[string]any{"contents": []any{map[string]any{"uri": p.URI, "mimeType": "text/plain", "text": "content of " + p.URI}}})
		} else {
			replyError(m.ID, -32002, "resource not found: "+p.URI)
		}
	case "prompts/list":
		reply(m.ID, map[string]any{"prompts": []any{
			map[string]any{"name": "greet", "description": "greets", "arguments": []any{map[string]any{"name": "name", "required": true}}},
			map[string]any{"name": "plain"}}})
	case "prompts/get":
		var gp struct {
			Name      string            `json:"name"`
			Arguments map[string]string `json:"arguments"`
		}
		json.Unmarshal(m.Params, &gp)
		if gp.Name != "greet" && gp.Name != "plain" {
			replyError(m.ID, -32602, "unknown prompt: "+gp.Name)
			return
		}
		reply(m.ID, map[string]any{"description": "a greeting", "messages": []any{
			map[string]any{"role": "user", "content": text("Hello, " + gp.Arguments["name"] + "!")}}})
	default:
		replyError(m.ID, -32601, "Method not found: "+m.Method)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 16<<20)
	for in.Scan() {
		line := append([]byte(nil), in.Bytes()...)
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			replyError(nil, -32700, "parse error")
			continue
		}
		if m.Method == "tools/call" && strings.Contains(string(m.Params), `"name":"stop_reading"`) {
			reply(m.ID, toolResult(text("no longer reading")))
			time.Sleep(24 * time.Hour) // the guest now waits on a clock, with its input unread
		}
		// Requests run concurrently so that answers can come back out of order.
		go handle(m)
	}
}
