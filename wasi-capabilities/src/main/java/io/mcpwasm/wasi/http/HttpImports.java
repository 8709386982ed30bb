package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.HostResolver;
import io.mcpwasm.wasi.HttpLimits;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;
import io.mcpwasm.wasi.AuditListener;
import io.mcpwasm.wasi.HostPattern;
import io.mcpwasm.wasi.internal.Auditor;
import io.mcpwasm.wasi.internal.ErrnoException;
import io.mcpwasm.wasi.internal.GuestMemory;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound HTTP(S) for one wasm instance: the {@value #MODULE} host functions (ABI in {@code docs/network.md}).
 * The host does DNS, TLS and redirects; the guest only names a method, a URL, headers and a body.
 *
 * <p>What a request may reach: a destination ({@code scheme, host, port}) is allowed when it matches one of the
 * granted {@linkplain Builder#hosts hosts}: the manifest's {@code network.hosts} intersected with the host policy's
 * patterns, decided once by {@link io.mcpwasm.wasi.Grants} (this class does not intersect again). That is checked
 * for the first URL and again for every redirect hop. A host name is resolved by the host's {@link HostResolver};
 * if any resolved address lies in a special range (loopback, private, link-local, multicast, unspecified, cloud
 * metadata, ...) the request is refused unless the policy allowed that exact address; the connection then goes
 * to one of the addresses that were checked, never to a second lookup's answer. TLS is verified against the
 * host name (SNI and certificate name check); plain http only where an allowed pattern says http.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves host names itself (no per-client resolver in Java
 * 17) and gives no way to connect to a given address while keeping the name for SNI and certificate checks,
 * so a name could be checked against one DNS answer and connected to by another. {@code HttpURLConnection}
 * has the same gap. This class therefore speaks HTTP/1.1 itself over a {@link Socket} connected to the checked
 * address, layered with an {@link SSLSocket} created for the host name ({@code Connection: close}, one request
 * per connection, no pooling, no cookies, no proxy, no authentication, no compression).
 *
 * <p>Headers the host adds: {@code Host}, {@code User-Agent: mcpwasm} (unless the guest sent one),
 * {@code Content-Length} (when there is a body or the method is POST/PUT/PATCH) and {@code Connection: close}.
 *
 * <p>Every request hop, refusal and failure is an {@link io.mcpwasm.wasi.AuditEvent} with capability
 * {@code network} and target {@code host:port} (never paths, query strings, header values or bodies), sent to
 * the audit listener and logged on {@code io.mcpwasm.audit}.
 *
 * <p>Example:
 * <pre>{@code
 * HttpImports http = HttpImports.builder("weather")
 *     .hosts(grants.network())
 *     .limits(HttpLimits.defaults().withMaxResponseBytes(1 << 20))
 *     .auditListener(listener)
 *     .build();
 * ImportValues imports = ImportValues.builder().addFunction(http.hostFunctions())...build();
 * // ... run the instance on one thread ...
 * http.close();   // closes every open response of this instance
 * }</pre>
 *
 * <p>Errors: guest mistakes (bad pointers, malformed URL) and refusals come back to the guest as
 * {@link HttpError} codes; nothing a guest passes makes a host function throw.
 *
 * <p>Threading: the host functions run on the instance's thread. {@link #close()} may be called from any thread;
 * it closes every socket of this instance, so a guest blocked in a request returns {@code CLOSED} or {@code IO}.
 */
public final class HttpImports implements AutoCloseable {

    /** The wasm import module name of these functions. */
    public static final String MODULE = "mcpwasm_http_v1";

    private static final Logger LOG = LoggerFactory.getLogger(HttpImports.class);
    static final String NETWORK = "network";
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final int MAX_URL = 8192;
    private static final int MAX_READ_CHUNK = 64 * 1024;

    private final String server;
    private final Destinations destinations;
    private final Http1Client client;
    private final HttpLimits limits;
    private final Auditor audit;

    private final Object lock = new Object();
    private final Map<Integer, OpenResponse> open = new HashMap<>();
    private final Set<Socket> sockets = new HashSet<>();
    private int inFlight;
    private int nextHandle = 1;
    private boolean closed;

    private HttpImports(Builder b) {
        this.server = b.server;
        this.destinations = new Destinations(b.server, b.hosts, b.allowedAddresses, b.resolver);
        this.limits = b.limits;
        this.audit = new Auditor(b.server, b.auditListener);
        this.client = new Http1Client(b.server, b.limits, b.sslContext, new Http1Client.Sockets() {
            @Override
            public void remember(Socket s) throws HttpFailure {
                HttpImports.this.remember(s);
            }

            @Override
            public void forget(Socket s) {
                HttpImports.this.forget(s);
            }

            @Override
            public boolean isClosed() {
                return HttpImports.this.isClosed();
            }
        });
    }

    /** Starts a builder; {@code serverName} names the server in audit events and log lines. */
    public static Builder builder(String serverName) {
        return new Builder(serverName);
    }

    /** The limits in force. */
    public HttpLimits limits() {
        return limits;
    }

    /**
     * The five host functions of module {@value #MODULE}: {@code request}, {@code response_status},
     * {@code response_headers}, {@code response_read}, {@code response_close}. Add them to the instance's
     * {@code ImportValues}. They belong to this object: use them for one instance only.
     */
    public HostFunction[] hostFunctions() {
        return new HostFunction[] {
            fn("request", 9, (inst, a) -> request(inst, a)),
            fn("response_status", 2, (inst, a) -> status(inst, (int) a[0], (int) a[1])),
            fn("response_headers", 4, (inst, a) -> headers(inst, (int) a[0], (int) a[1], (int) a[2], (int) a[3])),
            fn("response_read", 4, (inst, a) -> read(inst, (int) a[0], (int) a[1], (int) a[2], (int) a[3])),
            fn("response_close", 1, (inst, a) -> closeHandle((int) a[0])),
        };
    }

    @FunctionalInterface
    private interface Body {
        HttpError apply(Instance instance, long[] args) throws HttpFailure, ErrnoException;
    }

    private HostFunction fn(String name, int params, Body body) {
        List<ValType> ps = new ArrayList<>();
        for (int i = 0; i < params; i++) {
            ps.add(ValType.I32);
        }
        FunctionType type = FunctionType.of(ps, List.of(ValType.I32));
        return new HostFunction(MODULE, name, type, (instance, args) -> {
            HttpError result;
            try {
                result = body.apply(instance, args);
            } catch (HttpFailure f) {
                result = f.error();
            } catch (ErrnoException e) {
                result = badRange(e).error();
            } catch (RuntimeException e) {
                LOG.warn("server {}: {}.{} failed unexpectedly", server, MODULE, name, e);
                result = HttpError.IO;
            }
            return new long[] {result.code()};
        });
    }

    // ---- request -------------------------------------------------------------------------------------------

    private HttpError request(Instance instance, long[] a) throws HttpFailure, ErrnoException {
        GuestMemory mem = memory(instance);
        int handleOut = (int) a[8];
        String method;
        Target target;
        List<String[]> guestHeaders;
        byte[] body;
        try {
            mem.check(handleOut, 4);
            method = token(mem, a[0], a[1], 16);
            String url = token(mem, a[2], a[3], MAX_URL);
            if (!METHOD.matcher(method).matches() || method.equals("CONNECT") || method.equals("TRACE")) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "method must be an upper-case token other than"
                        + " CONNECT and TRACE");
            }
            target = Target.parse(url);
            mem.check((int) a[4], a[5] & 0xffffffffL);
            if (Integer.toUnsignedLong((int) a[5]) > limits.maxHeaderBytes()) {
                throw new HttpFailure(HttpError.TOO_LARGE, "request headers larger than "
                        + limits.maxHeaderBytes() + " bytes");
            }
            guestHeaders = Headers.parseGuest(mem.read((int) a[4], (int) a[5]));
            mem.check((int) a[6], a[7] & 0xffffffffL);
            long bodyLen = Integer.toUnsignedLong((int) a[7]);
            if (bodyLen > limits.maxRequestBodyBytes()) {
                throw new HttpFailure(HttpError.TOO_LARGE, "request body of " + bodyLen + " bytes over the limit of "
                        + limits.maxRequestBodyBytes());
            }
            body = mem.read((int) a[6], (int) a[7]);
        } catch (HttpFailure | ErrnoException e) {
            HttpFailure f = e instanceof HttpFailure hf ? hf : badRange((ErrnoException) e);
            audit.denied(NETWORK, "(invalid request)", "request refused: " + f.error() + ": " + f.getMessage());
            throw f;
        }

        synchronized (lock) {
            if (closed) {
                audit.denied(NETWORK, target.auditTarget(), method + " refused: network capability closed");
                return HttpError.CLOSED;
            }
            if (open.size() + inFlight >= limits.maxConcurrent()) {
                audit.denied(NETWORK, target.auditTarget(), method + " refused: " + limits.maxConcurrent()
                        + " requests already open (limit)");
                return HttpError.TOO_MANY_REQUESTS;
            }
            inFlight++;
        }
        try {
            OpenResponse r = perform(method, target, guestHeaders, body);
            int handle;
            synchronized (lock) {
                if (closed) {
                    r.exchange.close();
                    audit.denied(NETWORK, target.auditTarget(), method + " refused: network capability closed");
                    return HttpError.CLOSED;
                }
                handle = nextHandle++;
                if (nextHandle <= 0) {
                    nextHandle = 1;
                }
                open.put(handle, r);
            }
            mem.writeI32(handleOut, handle);
            return HttpError.OK;
        } finally {
            synchronized (lock) {
                inFlight--;
            }
        }
    }

    /** Follows redirects itself; returns the final response with its head read. */
    private OpenResponse perform(String method, Target first, List<String[]> headers, byte[] body)
            throws HttpFailure {
        Deadline deadline = Deadline.after(limits.totalTimeout());
        Target target = first;
        String m = method;
        byte[] b = body;
        List<String[]> hs = new ArrayList<>(headers);
        for (int hop = 0; ; hop++) {
            String what = m + " " + target.scheme() + (hop == 0 ? "" : " (redirect hop " + hop + ")");
            Http1Exchange x;
            try {
                List<InetAddress> addrs = destinations.check(target, deadline);
                Socket socket = client.connect(target, addrs, deadline);
                try {
                    x = Http1Exchange.exchange(socket, deadline, Http1Client.head(m, target, hs, b), b, m.equals("HEAD"),
                            limits.maxHeaderBytes());
                } finally {
                    forget(socket);
                }
            } catch (HttpFailure f) {
                if (f.isRefusal()) {
                    audit.denied(NETWORK, target.auditTarget(), what + " refused: " + f.getMessage());
                } else {
                    audit.granted(NETWORK, target.auditTarget(), what + " failed: " + f.error() + ": " + f.getMessage()
                            + ", sent " + b.length + " body bytes");
                }
                throw f;
            }
            int status = x.status();
            String location = x.header("location");
            boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                    && location != null;
            if (!redirect) {
                long declared = x.declaredLength();
                if (declared > limits.maxResponseBytes()) {
                    x.close();
                    audit.denied(NETWORK, target.auditTarget(), what + " " + status + " refused: response body of "
                            + declared + " bytes over the limit of " + limits.maxResponseBytes());
                    throw new HttpFailure(HttpError.TOO_LARGE, "response body over the limit");
                }
                return new OpenResponse(audit, x, what, target.auditTarget(), b.length);
            }
            x.close();
            audit.granted(NETWORK, target.auditTarget(), what + " " + status + " redirect, sent " + b.length + " body bytes");
            if (hop >= limits.maxRedirects()) {
                audit.denied(NETWORK, target.auditTarget(), m + " refused: more than " + limits.maxRedirects() + " redirects");
                throw new HttpFailure(HttpError.TOO_MANY_REDIRECTS, "too many redirects");
            }
            Target next;
            try {
                next = Target.of(target.uri().resolve(new URI(location)));
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                audit.granted(NETWORK, target.auditTarget(), what + " failed: IO: malformed Location header");
                throw new HttpFailure(HttpError.IO, "malformed Location header");
            } catch (HttpFailure f) {
                audit.denied(NETWORK, target.auditTarget(), what + " refused: redirect to an unusable URL");
                throw new HttpFailure(HttpError.DENIED_HOST, "redirect to an unusable URL");
            }
            if (status == 303 || ((status == 301 || status == 302) && m.equals("POST"))) {
                if (!m.equals("HEAD")) {
                    m = "GET";
                }
                b = new byte[0];
                hs.removeIf(h -> h[0].equalsIgnoreCase("content-type"));
            }
            if (!next.sameOrigin(target)) {
                hs.removeIf(h -> Headers.CREDENTIALS.contains(h[0].toLowerCase(java.util.Locale.ROOT)));
            }
            target = next;
        }
    }

    // ---- responses -----------------------------------------------------------------------------------------

    private OpenResponse response(int handle) throws HttpFailure {
        synchronized (lock) {
            if (closed) {
                throw new HttpFailure(HttpError.CLOSED, "network capability closed");
            }
            OpenResponse r = open.get(handle);
            if (r == null) {
                throw new HttpFailure(HttpError.BAD_HANDLE, "no open response " + handle);
            }
            return r;
        }
    }

    private HttpError status(Instance instance, int handle, int statusOut) throws HttpFailure, ErrnoException {
        GuestMemory mem = memory(instance);
        OpenResponse r = response(handle);
        mem.writeI32(statusOut, r.exchange.status());
        return HttpError.OK;
    }

    private HttpError headers(Instance instance, int handle, int buf, int bufLen, int lenOut) throws HttpFailure, ErrnoException {
        GuestMemory mem = memory(instance);
        OpenResponse r = response(handle);
        mem.check(lenOut, 4);
        byte[] h = r.headerBytes;
        mem.writeI32(lenOut, h.length);
        if (Integer.toUnsignedLong(bufLen) < h.length) {
            return HttpError.BUFFER_TOO_SMALL;
        }
        mem.write(buf, h);
        return HttpError.OK;
    }

    private HttpError read(Instance instance, int handle, int buf, int bufLen, int nOut) throws HttpFailure, ErrnoException {
        GuestMemory mem = memory(instance);
        OpenResponse r = response(handle);
        mem.check(nOut, 4);
        mem.check(buf, Integer.toUnsignedLong(bufLen));
        if (r.failure != null) {
            return r.failure;
        }
        int want = (int) Math.min(Integer.toUnsignedLong(bufLen), MAX_READ_CHUNK);
        if (want == 0) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "buffer length 0");
        }
        byte[] tmp = new byte[want];
        int n;
        try {
            n = r.exchange.read(tmp, 0, want);
        } catch (HttpFailure f) {
            r.fail(f.error(), f.getMessage());
            return f.error();
        }
        if (n < 0) {
            r.finish();
            mem.writeI32(nOut, 0);
            return HttpError.OK;
        }
        if (r.received + n > limits.maxResponseBytes()) {
            r.fail(HttpError.TOO_LARGE, "response body over the limit of " + limits.maxResponseBytes() + " bytes");
            return HttpError.TOO_LARGE;
        }
        r.received += n;
        mem.write(buf, tmp, 0, n);
        mem.writeI32(nOut, n);
        return HttpError.OK;
    }

    private HttpError closeHandle(int handle) throws HttpFailure {
        OpenResponse r;
        synchronized (lock) {
            if (closed) {
                return HttpError.CLOSED;
            }
            r = open.remove(handle);
        }
        if (r == null) {
            return HttpError.BAD_HANDLE;
        }
        r.finish();
        return HttpError.OK;
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    private void remember(Socket s) throws HttpFailure {
        synchronized (lock) {
            if (closed) {
                Http1Client.closeQuietly(s);
                throw new HttpFailure(HttpError.CLOSED, "network capability closed");
            }
            sockets.add(s);
        }
    }

    private void forget(Socket s) {
        synchronized (lock) {
            sockets.remove(s);
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Closes every open response and every connection being made, and refuses further requests
     * ({@code CLOSED}). Idempotent; callable from any thread.
     */
    @Override
    public void close() {
        List<OpenResponse> rs;
        List<Socket> ss;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            rs = new ArrayList<>(open.values());
            ss = new ArrayList<>(sockets);
            open.clear();
            sockets.clear();
        }
        for (Socket s : ss) {
            Http1Client.closeQuietly(s);
        }
        for (OpenResponse r : rs) {
            r.finish();
        }
    }

    // ---- guest memory --------------------------------------------------------------------------------------

    /** The instance's memory, bounds-checked by {@link GuestMemory}: a bad range is {@code BAD_ARGUMENT}. */
    private static GuestMemory memory(Instance instance) {
        try {
            return new GuestMemory(instance.memory());
        } catch (RuntimeException e) {
            return new GuestMemory(null);
        }
    }

    /** A guest string of at most {@code max} bytes of printable ASCII (a method or a URL). */
    private static String token(GuestMemory mem, long ptr, long len, int max) throws HttpFailure, ErrnoException {
        if ((len & 0xffffffffL) > max) {
            mem.check((int) ptr, len & 0xffffffffL);
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "string longer than " + max + " bytes");
        }
        byte[] b = mem.read((int) ptr, (int) len);
        for (byte c : b) {
            if (c <= 0x20 || c == 0x7f) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "control character, space or non-ASCII byte");
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static HttpFailure badRange(ErrnoException e) {
        return new HttpFailure(HttpError.BAD_ARGUMENT, "guest range outside memory");
    }

    // ---- builder -------------------------------------------------------------------------------------------

    /**
     * Configures an {@link HttpImports}. Defaults: no hosts at all (every request is {@code DENIED_HOST}), no
     * special address allowed, {@link HttpLimits#defaults()}, {@link HostResolver#SYSTEM}, the JVM's default
     * {@link SSLContext} (its trust store), {@link AuditListener#NONE}.
     */
    public static final class Builder {
        private final String server;
        private final List<HostPattern> hosts = new ArrayList<>();
        private final Set<InetAddress> allowedAddresses = new HashSet<>();
        private HttpLimits limits = HttpLimits.defaults();
        private HostResolver resolver = HostResolver.SYSTEM;
        private AuditListener auditListener = AuditListener.NONE;
        private SSLContext sslContext;

        private Builder(String server) {
            this.server = Objects.requireNonNull(server, "serverName");
            if (server.isBlank()) {
                throw new IllegalArgumentException("serverName must not be blank");
            }
        }

        /**
         * The granted destinations, {@link io.mcpwasm.wasi.Grants#network()}: the manifest's {@code network.hosts}
         * already intersected with the host policy. A request must match one of them; calls add up.
         */
        public Builder hosts(Collection<HostPattern> hosts) {
            Objects.requireNonNull(hosts, "hosts");
            hosts.forEach(h -> this.hosts.add(Objects.requireNonNull(h, "hosts element")));
            return this;
        }

        /**
         * Allows connecting to this exact address even though it lies in a refused range (loopback,
         * private, link-local, metadata...). A destination must still match the allowed host patterns.
         * Dangerous: only for addresses the host operator controls.
         */
        public Builder allowSpecialAddress(InetAddress address) {
            allowedAddresses.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        public Builder limits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        public Builder auditListener(AuditListener listener) {
            this.auditListener = Objects.requireNonNull(listener, "auditListener");
            return this;
        }

        /** The TLS context (trust store, protocols) for https; default {@link SSLContext#getDefault()}. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        public HttpImports build() {
            if (sslContext == null) {
                try {
                    sslContext = SSLContext.getDefault();
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("the JVM has no default TLS context", e);
                }
            }
            return new HttpImports(this);
        }
    }
}
