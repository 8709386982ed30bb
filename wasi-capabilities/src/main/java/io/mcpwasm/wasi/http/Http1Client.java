package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.HttpLimits;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 client side of one request hop: connects to one of the addresses {@link Destinations} checked (never
 * a second lookup's answer), layers TLS for the host name (SNI, certificate name check), and writes the request
 * head. Every socket is registered with {@link Sockets} while it is being made, so that closing the capability
 * closes it.
 */
final class Http1Client {
    private static final Logger LOG = LoggerFactory.getLogger(Http1Client.class);

    /** The sockets of one capability, closed all at once by its {@code close()}. */
    interface Sockets {
        /** @throws HttpFailure {@code CLOSED} (after closing {@code s}) when the capability is closed */
        void remember(Socket s) throws HttpFailure;

        void forget(Socket s);

        boolean isClosed();
    }

    private final String server;
    private final HttpLimits limits;
    private final SSLContext sslContext;
    private final Sockets sockets;

    Http1Client(String server, HttpLimits limits, SSLContext sslContext, Sockets sockets) {
        this.server = server;
        this.limits = limits;
        this.sslContext = sslContext;
        this.sockets = sockets;
    }

    Socket connect(Target t, List<InetAddress> addrs, Deadline deadline) throws HttpFailure {
        HttpFailure last = null;
        for (InetAddress addr : addrs) {
            Socket plain = new Socket(Proxy.NO_PROXY);
            sockets.remember(plain);
            try {
                int timeout = deadline.remainingMillis(limits.connectTimeout().toMillis());
                plain.connect(new InetSocketAddress(addr, t.port()), timeout);
                plain.setTcpNoDelay(true);
                if (!t.isHttps()) {
                    return plain;
                }
                return tls(t, plain, deadline);
            } catch (HttpFailure f) {
                sockets.forget(plain);
                closeQuietly(plain);
                if (f.error() == HttpError.TLS || f.error() == HttpError.CLOSED) {
                    throw f;
                }
                last = f;
                if (f.error() == HttpError.TIMEOUT && f.getMessage().startsWith("total")) {
                    throw f;
                }
            } catch (SocketTimeoutException e) {
                sockets.forget(plain);
                closeQuietly(plain);
                last = new HttpFailure(HttpError.TIMEOUT, "connect timed out");
            } catch (ConnectException e) {
                sockets.forget(plain);
                closeQuietly(plain);
                last = new HttpFailure(HttpError.IO, "connection refused");
            } catch (IOException e) {
                sockets.forget(plain);
                closeQuietly(plain);
                last = sockets.isClosed() ? new HttpFailure(HttpError.CLOSED, "network capability closed")
                        : new HttpFailure(HttpError.IO, "connect failed: " + e.getClass().getSimpleName());
            }
        }
        throw last;
    }

    private Socket tls(Target t, Socket plain, Deadline deadline) throws HttpFailure, IOException {
        SSLSocketFactory factory = sslContext.getSocketFactory();
        String name = t.host().startsWith("[") ? t.host().substring(1, t.host().length() - 1) : t.host();
        SSLSocket ssl = (SSLSocket) factory.createSocket(plain, name, t.port(), true);
        sockets.remember(ssl);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!t.isIpLiteral()) {
            params.setServerNames(List.of(new SNIHostName(name)));
        }
        params.setApplicationProtocols(new String[0]);
        ssl.setSSLParameters(params);
        try {
            ssl.setSoTimeout(deadline.remainingMillis(Integer.MAX_VALUE));
            ssl.startHandshake();
            sockets.forget(plain);
            return ssl;
        } catch (SocketTimeoutException e) {
            sockets.forget(ssl);
            closeQuietly(ssl);
            throw new HttpFailure(HttpError.TIMEOUT, "TLS handshake timed out");
        } catch (SSLException e) {
            sockets.forget(ssl);
            closeQuietly(ssl);
            LOG.debug("server {}: TLS handshake with {} failed", server, t.auditTarget(), e);
            throw new HttpFailure(HttpError.TLS, "TLS handshake failed: " + e.getMessage());
        } catch (HttpFailure | IOException e) {
            sockets.forget(ssl);
            closeQuietly(ssl);
            throw e;
        }
    }

    static byte[] head(String method, Target t, List<String[]> headers, byte[] body) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(t.pathQuery()).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(t.hostHeader()).append("\r\n");
        if (!Headers.has(headers, "user-agent")) {
            sb.append("User-Agent: mcpwasm\r\n");
        }
        for (String[] h : headers) {
            sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already gone.
        }
    }
}
