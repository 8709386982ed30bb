package io.mcpwasm.wasi.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where one request hop goes, parsed from an absolute http(s) URL.
 *
 * @param uri       the URL, without fragment
 * @param scheme    {@code http} or {@code https}
 * @param host      lower-case name or IP literal (IPv6 in brackets)
 * @param port      the explicit port or the scheme's default
 * @param pathQuery the request target sent on the request line: raw path (at least "/") and raw query
 */
record Target(URI uri, String scheme, String host, int port, String pathQuery) {

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    static Target parse(String url) throws HttpFailure {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "malformed URL");
        }
        return of(uri);
    }

    static Target of(URI uri) throws HttpFailure {
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getScheme() == null) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL must be absolute http:// or https://");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL scheme must be http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL must not carry user info");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL has no valid host (ASCII names only)");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL port out of range");
        }
        if (port < 0) {
            port = scheme.equals("https") ? 443 : 80;
        }
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        String pq = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        for (int i = 0; i < pq.length(); i++) {
            char c = pq.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "URL path or query has a character that must be"
                        + " percent-encoded");
            }
        }
        URI clean;
        try {
            clean = new URI(scheme + "://" + uri.getRawAuthority() + pq);
        } catch (URISyntaxException e) {
            throw new HttpFailure(HttpError.BAD_ARGUMENT, "malformed URL");
        }
        return new Target(clean, scheme, host, port, pq);
    }

    boolean isHttps() {
        return scheme.equals("https");
    }

    /** Whether the host is an IP literal (no DNS lookup then). */
    boolean isIpLiteral() {
        return host.startsWith("[") || IPV4.matcher(host).matches();
    }

    /** The Host header value: host, and :port when it is not the scheme's default. */
    String hostHeader() {
        int def = isHttps() ? 443 : 80;
        return port == def ? host : host + ":" + port;
    }

    /** host:port, for audit lines and logs. */
    String auditTarget() {
        return host + ":" + port;
    }

    /** Same scheme, host and port. */
    boolean sameOrigin(Target other) {
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port;
    }
}
