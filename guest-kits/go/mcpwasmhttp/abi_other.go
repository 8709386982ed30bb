//go:build !wasip1

package mcpwasmhttp

// Outside wasip1 there is no host to ask: every call fails with Unavailable,
// so the package still builds (and its pure-Go parts test) natively.

const hostAvailable = false

func rawRequest(method, url string, headers, body []byte) (uint32, Code) { return 0, Unavailable }
func rawStatus(handle uint32) (int, Code)                               { return 0, Unavailable }
func rawHeaders(handle uint32) ([]byte, Code)                           { return nil, Unavailable }
func rawRead(handle uint32, p []byte) (int, Code)                       { return 0, Unavailable }
func rawClose(handle uint32) Code                                       { return Unavailable }
