package io.mcpwasm.wasi;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A network destination a server may reach, as written in a manifest's {@code network.hosts} or allowed by a
 * {@link HostPolicy}: {@code scheme://host[:port]}.
 *
 * <ul>
 *   <li>scheme: {@code http} or {@code https} (lower case);</li>
 *   <li>host: a DNS name ({@code api.example.com}, {@code localhost}), an IPv4 address ({@code 127.0.0.1}),
 *       a bracketed IPv6 address ({@code [::1]}), or {@code *.} followed by a DNS name of at least two labels
 *       ({@code *.example.com}), which matches every name ending in {@code .example.com} (any depth) but not
 *       {@code example.com} itself; lower case only;</li>
 *   <li>port: 1 to 65535; when absent, the scheme's default (80 for http, 443 for https), so
 *       {@code https://a.example.com} and {@code https://a.example.com:443} are the same pattern.</li>
 * </ul>
 * No user info, path, query or trailing slash. Instances are immutable; equal patterns are {@code equals}.
 *
 * <p>Example: {@code HostPattern.parse("https://*.example.com").matches("https", "api.example.com", 443)}
 * is true.
 */
public final class HostPattern {

    private static final Pattern SHAPE = Pattern.compile("(https?)://([^:/\\[\\]]+|\\[[^\\]]*\\])(?::([0-9]+))?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(?:0|[1-9][0-9]{0,2})(?:\\.(?:0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

    private final String scheme;
    private final String host;
    private final boolean wildcard;
    private final int port;

    private HostPattern(String scheme, String host, boolean wildcard, int port) {
        this.scheme = scheme;
        this.host = host;
        this.wildcard = wildcard;
        this.port = port;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    public static HostPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        var m = SHAPE.matcher(pattern);
        if (!m.matches()) {
            throw bad(pattern, "expected scheme://host[:port] with scheme http or https, and no path");
        }
        String scheme = m.group(1);
        String host = m.group(2);
        int port = defaultPort(scheme);
        if (m.group(3) != null) {
            String p = m.group(3);
            if (p.length() > 5 || p.startsWith("0") || Integer.parseInt(p) > 65535) {
                throw bad(pattern, "port must be 1 to 65535");
            }
            port = Integer.parseInt(p);
        }
        boolean wildcard = false;
        if (host.startsWith("[")) {
            String inner = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(inner).matches() || !inner.contains(":") || inner.indexOf("::") != inner.lastIndexOf("::")) {
                throw bad(pattern, "not an IPv6 address in brackets (lower-case hex)");
            }
            return new HostPattern(scheme, host, false, port);
        }
        if (host.startsWith("*.")) {
            wildcard = true;
            host = host.substring(2);
        }
        if (host.length() > 253) {
            throw bad(pattern, "host name longer than 253 characters");
        }
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw bad(pattern, "host label '" + label + "' must be 1 to 63 of a-z, 0-9 and '-', not starting or"
                        + " ending with '-' (lower case; '*' only as the whole first label)");
            }
        }
        boolean numericTld = Character.isDigit(labels[labels.length - 1].charAt(0))
                && labels[labels.length - 1].chars().allMatch(Character::isDigit);
        if (numericTld) {
            if (wildcard) {
                throw bad(pattern, "a wildcard needs a DNS name, not an IP address");
            }
            if (!IPV4.matcher(host).matches() || !validOctets(labels)) {
                throw bad(pattern, "not an IPv4 address (four numbers 0 to 255) nor a DNS name");
            }
        }
        if (wildcard && labels.length < 2) {
            throw bad(pattern, "a wildcard must cover at least two labels (*.example.com, not *.com)");
        }
        return new HostPattern(scheme, host, wildcard, port);
    }

    private static boolean validOctets(String[] labels) {
        for (String l : labels) {
            if (Integer.parseInt(l) > 255) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException bad(String pattern, String reason) {
        return new IllegalArgumentException("host pattern '" + pattern + "': " + reason);
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    /** The exact host, or for a wildcard the suffix after {@code *.} (e.g. {@code example.com}). */
    public String host() {
        return host;
    }

    /** Whether this pattern is {@code *.host}. */
    public boolean wildcard() {
        return wildcard;
    }

    /** The port, with the scheme's default filled in when the pattern had none. */
    public int port() {
        return port;
    }

    /**
     * Whether a connection to {@code scheme://host:port} is allowed by this pattern. Scheme and host compare
     * case-insensitively; a trailing dot on the host is ignored; an IPv6 host may come with or without
     * brackets; a port of 0 or less stands for the scheme's default.
     */
    public boolean matches(String scheme, String host, int port) {
        if (scheme == null || host == null) {
            return false;
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        if (!s.equals(this.scheme)) {
            return false;
        }
        int p = port <= 0 ? defaultPort(s) : port;
        if (p != this.port) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (this.host.startsWith("[") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        if (wildcard) {
            return h.length() > this.host.length() + 1 && h.endsWith("." + this.host);
        }
        return h.equals(this.host);
    }

    /**
     * Whether every destination this pattern matches is also matched by {@code other}: true for equal
     * patterns, and for an exact host or narrower wildcard under a wildcard {@code other}.
     */
    public boolean isCoveredBy(HostPattern other) {
        if (!scheme.equals(other.scheme) || port != other.port) {
            return false;
        }
        if (!other.wildcard) {
            return !wildcard && host.equals(other.host);
        }
        if (wildcard) {
            return host.equals(other.host) || host.endsWith("." + other.host);
        }
        return host.endsWith("." + other.host);
    }

    /**
     * The destinations both patterns match, when they are expressible as one pattern (always the case here:
     * it is the narrower of the two, or nothing).
     */
    public Optional<HostPattern> intersect(HostPattern other) {
        if (isCoveredBy(other)) {
            return Optional.of(this);
        }
        if (other.isCoveredBy(this)) {
            return Optional.of(other);
        }
        return Optional.empty();
    }

    /** The canonical text: {@code scheme://[*.]host}, with {@code :port} only when it is not the default. */
    @Override
    public String toString() {
        String h = wildcard ? "*." + host : host;
        return port == defaultPort(scheme) ? scheme + "://" + h : scheme + "://" + h + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostPattern p && p.scheme.equals(scheme) && p.host.equals(host)
                && p.wildcard == wildcard && p.port == port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, host, wildcard, port);
    }
}
