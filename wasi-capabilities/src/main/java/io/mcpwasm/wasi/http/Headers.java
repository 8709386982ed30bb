package io.mcpwasm.wasi.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parsing and checking of the header block a guest passes to {@code request}. */
final class Headers {

    /** Headers the host sets or that control the connection: a guest may not send them. */
    static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-authorization", "proxy-connection",
            "proxy-authenticate");

    /** Headers that carry credentials: dropped when a redirect leaves the origin. */
    static final Set<String> CREDENTIALS = Set.of("authorization", "cookie");

    private Headers() {
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code name: value} lines separated by LF or CRLF (empty lines ignored) into name/value pairs
     * with names as the guest wrote them.
     */
    static List<String[]> parseGuest(byte[] block) throws HttpFailure {
        List<String[]> out = new ArrayList<>();
        String text = new String(block, StandardCharsets.ISO_8859_1);
        for (String line : text.split("\n", -1)) {
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "request header line without 'name:'");
            }
            String name = line.substring(0, colon);
            if (!isToken(name)) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "request header name is not a token");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == 0 || (c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new HttpFailure(HttpError.BAD_ARGUMENT, "request header '" + name
                            + "' has a control character in its value");
                }
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower) || lower.startsWith("proxy-")) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "request header '" + lower
                        + "' is set by the host and may not be sent by the guest");
            }
            out.add(new String[] {name, value});
        }
        return out;
    }

    static boolean has(List<String[]> headers, String lowerName) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }
}
