//go:build wasip1

package mcpwasmhttp

import "unsafe"

// The raw imports of module mcpwasm_http_v1 (docs/network.md). Every result is
// an error code; out-parameters are pointers into linear memory.

//go:wasmimport mcpwasm_http_v1 request
func hostRequest(method unsafe.Pointer, methodLen uint32, url unsafe.Pointer, urlLen uint32,
	headers unsafe.Pointer, headersLen uint32, body unsafe.Pointer, bodyLen uint32,
	handleOut unsafe.Pointer) int32

//go:wasmimport mcpwasm_http_v1 response_status
func hostResponseStatus(handle uint32, statusOut unsafe.Pointer) int32

//go:wasmimport mcpwasm_http_v1 response_headers
func hostResponseHeaders(handle uint32, buf unsafe.Pointer, bufLen uint32, lenOut unsafe.Pointer) int32

//go:wasmimport mcpwasm_http_v1 response_read
func hostResponseRead(handle uint32, buf unsafe.Pointer, bufLen uint32, nOut unsafe.Pointer) int32

//go:wasmimport mcpwasm_http_v1 response_close
func hostResponseClose(handle uint32) int32

const hostAvailable = true

func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(b))
}

func stringPtr(s string) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.StringData(s))
}

func rawRequest(method, url string, headers, body []byte) (uint32, Code) {
	var handle uint32
	c := hostRequest(stringPtr(method), uint32(len(method)), stringPtr(url), uint32(len(url)),
		bytesPtr(headers), uint32(len(headers)), bytesPtr(body), uint32(len(body)), unsafe.Pointer(&handle))
	return handle, Code(c)
}

func rawStatus(handle uint32) (int, Code) {
	var status uint32
	c := hostResponseStatus(handle, unsafe.Pointer(&status))
	return int(status), Code(c)
}

func rawHeaders(handle uint32) ([]byte, Code) {
	var n uint32
	c := Code(hostResponseHeaders(handle, nil, 0, unsafe.Pointer(&n)))
	if c == OK {
		return nil, OK
	}
	if c != BufferTooSmall {
		return nil, c
	}
	buf := make([]byte, n)
	c = Code(hostResponseHeaders(handle, bytesPtr(buf), uint32(len(buf)), unsafe.Pointer(&n)))
	if c != OK {
		return nil, c
	}
	return buf[:n], OK
}

func rawRead(handle uint32, p []byte) (int, Code) {
	var n uint32
	c := hostResponseRead(handle, bytesPtr(p), uint32(len(p)), unsafe.Pointer(&n))
	return int(n), Code(c)
}

func rawClose(handle uint32) Code {
	return Code(hostResponseClose(handle))
}
