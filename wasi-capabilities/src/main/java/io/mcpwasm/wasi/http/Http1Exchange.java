package io.mcpwasm.wasi.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 request and its response over a socket that is already connected (and, for https, already
 * through its TLS handshake) to a checked address. {@code Connection: close}: one exchange per connection, no
 * pooling, so no state survives between requests. The body is read lazily by {@link #read}: identity with
 * Content-Length, chunked, or until the server closes.
 *
 * <p>Every blocking read first sets the socket timeout to what is left of the request's {@link Deadline}, so no
 * read outlives it. Not thread-safe, except {@link #close()}, which may be called from any thread and makes a
 * blocked read fail.
 */
final class Http1Exchange implements AutoCloseable {

    private static final int MAX_LINE = 16 * 1024;

    private enum BodyMode { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private final Socket socket;
    private final InputStream in;
    private final Deadline deadline;
    private final byte[] buf = new byte[16 * 1024];
    private int bufPos;
    private int bufEnd;

    private int status;
    private final List<String[]> headers = new ArrayList<>();
    private BodyMode mode;
    private long remaining;          // LENGTH: bytes left; CHUNKED: bytes left in the current chunk
    private boolean chunkedDone;
    private boolean eof;

    private Http1Exchange(Socket socket, Deadline deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadline = deadline;
    }

    /**
     * Sends the request and reads the response head (skipping 1xx interim responses).
     *
     * @param head     the request line and header lines, each ending CRLF, then an empty line
     * @param body     the request body (may be empty)
     * @param headOnly whether the request was HEAD (the response then has no body whatever it says)
     */
    static Http1Exchange exchange(Socket socket, Deadline deadline, byte[] head, byte[] body, boolean headOnly,
                                  int maxHeaderBytes) throws HttpFailure {
        Http1Exchange x;
        try {
            x = new Http1Exchange(socket, deadline);
        } catch (IOException e) {
            throw new HttpFailure(HttpError.IO, "socket unusable: " + e.getClass().getSimpleName());
        }
        try {
            socket.setSoTimeout(deadline.remainingMillis(Integer.MAX_VALUE));
            OutputStream out = socket.getOutputStream();
            out.write(head);
            if (body.length > 0) {
                out.write(body);
            }
            out.flush();
            x.readHead(headOnly, maxHeaderBytes);
            return x;
        } catch (HttpFailure f) {
            x.close();
            throw f;
        } catch (SocketTimeoutException e) {
            x.close();
            throw new HttpFailure(HttpError.TIMEOUT, "timed out sending the request or waiting for the response");
        } catch (IOException e) {
            x.close();
            throw new HttpFailure(HttpError.IO, "sending the request failed: " + e.getClass().getSimpleName());
        }
    }

    int status() {
        return status;
    }

    /** Header name (lower case) and value pairs, in the order received. */
    List<String[]> headers() {
        return headers;
    }

    /** The first value of a header, or null. */
    String header(String lowerName) {
        for (String[] h : headers) {
            if (h[0].equals(lowerName)) {
                return h[1];
            }
        }
        return null;
    }

    /** The Content-Length the response declared, or -1 when it is not length-delimited. */
    long declaredLength() {
        return mode == BodyMode.LENGTH ? remaining : -1;
    }

    private void readHead(boolean headOnly, int maxHeaderBytes) throws HttpFailure {
        int budget = maxHeaderBytes;
        while (true) {
            headers.clear();
            String statusLine = readLine(budget);
            budget -= statusLine.length() + 2;
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new HttpFailure(HttpError.IO, "not an HTTP/1.x response");
            }
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new HttpFailure(HttpError.IO, "bad status code");
            }
            if (status < 100 || status > 999) {
                throw new HttpFailure(HttpError.IO, "bad status code");
            }
            while (true) {
                String line = readLine(budget);
                budget -= line.length() + 2;
                if (line.isEmpty()) {
                    break;
                }
                if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                    throw new HttpFailure(HttpError.IO, "obsolete header line folding");
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || !Headers.isToken(line.substring(0, colon))) {
                    throw new HttpFailure(HttpError.IO, "malformed header line");
                }
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                headers.add(new String[] {name, value});
            }
            if (status >= 200 || status == 101) {
                break;
            }
            // 1xx interim response: the real one follows.
        }
        if (status == 101) {
            throw new HttpFailure(HttpError.IO, "server switched protocols; not supported");
        }
        chooseBodyMode(headOnly);
    }

    private void chooseBodyMode(boolean headOnly) throws HttpFailure {
        if (headOnly || status == 204 || status == 304 || status < 200) {
            mode = BodyMode.NONE;
            eof = true;
            return;
        }
        String te = null;
        String cl = null;
        for (String[] h : headers) {
            if (h[0].equals("transfer-encoding")) {
                te = te == null ? h[1] : te + "," + h[1];
            } else if (h[0].equals("content-length")) {
                if (cl != null && !cl.equals(h[1])) {
                    throw new HttpFailure(HttpError.IO, "conflicting Content-Length headers");
                }
                cl = h[1];
            }
        }
        if (te != null) {
            String[] codings = te.toLowerCase(Locale.ROOT).split(",");
            if (!codings[codings.length - 1].strip().equals("chunked")) {
                mode = BodyMode.UNTIL_CLOSE;
            } else {
                mode = BodyMode.CHUNKED;
            }
            return;
        }
        if (cl != null) {
            if (cl.isEmpty() || cl.length() > 18 || !cl.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new HttpFailure(HttpError.IO, "bad Content-Length");
            }
            remaining = Long.parseLong(cl);
            mode = BodyMode.LENGTH;
            eof = remaining == 0;
            return;
        }
        mode = BodyMode.UNTIL_CLOSE;
    }

    /**
     * Reads body bytes into {@code dst}; returns how many, or -1 at the end of the body.
     */
    int read(byte[] dst, int off, int len) throws HttpFailure {
        if (eof || len == 0) {
            return eof ? -1 : 0;
        }
        try {
            switch (mode) {
                case LENGTH: {
                    int n = readSome(dst, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw new HttpFailure(HttpError.IO, "connection closed before the end of the body");
                    }
                    remaining -= n;
                    eof = remaining == 0;
                    return n;
                }
                case UNTIL_CLOSE: {
                    int n = readSome(dst, off, len);
                    if (n < 0) {
                        eof = true;
                    }
                    return n;
                }
                case CHUNKED:
                    return readChunked(dst, off, len);
                default:
                    eof = true;
                    return -1;
            }
        } catch (SocketTimeoutException e) {
            throw new HttpFailure(HttpError.TIMEOUT, "timed out reading the response body");
        } catch (SSLException e) {
            throw new HttpFailure(HttpError.IO, "TLS failure reading the response body");
        } catch (IOException e) {
            throw new HttpFailure(HttpError.IO, "reading the response body failed: " + e.getClass().getSimpleName());
        }
    }

    private int readChunked(byte[] dst, int off, int len) throws HttpFailure, IOException {
        if (remaining == 0) {
            if (chunkedDone) {
                eof = true;
                return -1;
            }
            String sizeLine = readLine(MAX_LINE);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
            if (hex.isEmpty() || hex.length() > 15) {
                throw new HttpFailure(HttpError.IO, "bad chunk size");
            }
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new HttpFailure(HttpError.IO, "bad chunk size");
            }
            if (size < 0) {
                throw new HttpFailure(HttpError.IO, "bad chunk size");
            }
            if (size == 0) {
                // Trailer section, ignored, ends with an empty line.
                int budget = MAX_LINE;
                while (true) {
                    String t = readLine(budget);
                    budget -= t.length() + 2;
                    if (t.isEmpty()) {
                        break;
                    }
                }
                chunkedDone = true;
                eof = true;
                return -1;
            }
            remaining = size;
        }
        int n = readSome(dst, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new HttpFailure(HttpError.IO, "connection closed inside a chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            String crlf = readLine(2);
            if (!crlf.isEmpty()) {
                throw new HttpFailure(HttpError.IO, "chunk not followed by CRLF");
            }
        }
        return n;
    }

    /** Reads up to len bytes (at least 1 unless end of stream), from the buffer first. */
    private int readSome(byte[] dst, int off, int len) throws IOException, HttpFailure {
        if (bufPos == bufEnd) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, bufEnd - bufPos);
        System.arraycopy(buf, bufPos, dst, off, n);
        bufPos += n;
        return n;
    }

    private boolean fill() throws IOException, HttpFailure {
        socket.setSoTimeout(deadline.remainingMillis(Integer.MAX_VALUE));
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        bufPos = 0;
        bufEnd = n;
        return true;
    }

    /** Reads one line ending in CRLF (a bare LF is accepted), without the terminator, ISO-8859-1. */
    private String readLine(int max) throws HttpFailure {
        if (max <= 0) {
            throw new HttpFailure(HttpError.TOO_LARGE, "response head larger than the limit");
        }
        StringBuilder sb = new StringBuilder(64);
        try {
            while (true) {
                if (bufPos == bufEnd && !fill()) {
                    throw new HttpFailure(HttpError.IO, "connection closed in the middle of a line");
                }
                byte b = buf[bufPos++];
                if (b == '\n') {
                    int l = sb.length();
                    if (l > 0 && sb.charAt(l - 1) == '\r') {
                        sb.setLength(l - 1);
                    }
                    return sb.toString();
                }
                if (b == 0) {
                    throw new HttpFailure(HttpError.IO, "NUL in the response head");
                }
                sb.append((char) (b & 0xff));
                if (sb.length() > max) {
                    throw new HttpFailure(HttpError.TOO_LARGE, "response head larger than the limit");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new HttpFailure(HttpError.TIMEOUT, "timed out waiting for the response");
        } catch (SSLException e) {
            throw new HttpFailure(HttpError.IO, "TLS failure reading the response");
        } catch (IOException e) {
            throw new HttpFailure(HttpError.IO, "reading the response failed: " + e.getClass().getSimpleName());
        }
    }

    /** The response head serialized for the guest: {@code name: value\n} per header, names lower case. */
    byte[] serializedHeaders() {
        StringBuilder sb = new StringBuilder();
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the connection is gone either way.
        }
    }
}
