package io.mcpwasm.wasi.http;

/**
 * The result codes of the {@code mcpwasm_http_v1} guest ABI (see {@code docs/network.md}). Every import
 * returns one of these as an {@code i32}; {@link #OK} is 0, every failure is positive. The numbers are part of
 * the ABI and never change meaning; new codes are only ever appended.
 */
public enum HttpError {
    /** Success. */
    OK(0),
    /** The URL's scheme, host or port is not in the manifest's {@code network.hosts} intersected with the host policy. */
    DENIED_HOST(1),
    /** The host name resolved to an address the policy refuses (loopback, private, link-local, metadata...). */
    DENIED_ADDRESS(2),
    /** The connect timeout or the request's total deadline passed. */
    TIMEOUT(3),
    /** The request body, the response head or the response body is larger than its limit. */
    TOO_LARGE(4),
    /** A pointer or length outside guest memory, or a malformed method, URL or header block. */
    BAD_ARGUMENT(5),
    /** The handle is not an open response of this instance. */
    BAD_HANDLE(6),
    /** Connection refused or reset, or the server broke the HTTP protocol. */
    IO(7),
    /** The server already has as many requests open as its limit allows. */
    TOO_MANY_REQUESTS(8),
    /** The host name did not resolve. */
    NAME_NOT_RESOLVED(9),
    /** More redirects than the limit allows. */
    TOO_MANY_REDIRECTS(10),
    /** The guest's buffer is too small; the needed size was written to the length out-parameter. */
    BUFFER_TOO_SMALL(11),
    /** The TLS handshake failed (untrusted certificate, name mismatch, protocol error). */
    TLS(12),
    /** The instance's network capability was closed. */
    CLOSED(13);

    private final int code;

    HttpError(int code) {
        this.code = code;
    }

    /** The number the guest sees. */
    public int code() {
        return code;
    }

    /** The error with this number, or {@code null} when there is none. */
    public static HttpError ofCode(int code) {
        for (HttpError e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
