package io.mcpwasm;

import java.util.Base64;
import java.util.Objects;

/**
 * The contents of a resource: exactly one of {@code text} or {@code blob} is set.
 *
 * @param uri the resource's URI
 * @param mimeType the MIME type, or {@code null}
 * @param text the text contents, or {@code null} for a blob
 * @param blob the binary contents base64-encoded as sent, or {@code null} for text
 */
public record ResourceContents(String uri, String mimeType, String text, String blob) {
    /** Checks that the URI is present and exactly one of text and blob is set. */
    public ResourceContents {
        Objects.requireNonNull(uri, "uri");
        if ((text == null) == (blob == null)) {
            throw new IllegalArgumentException("exactly one of text and blob must be set for resource " + uri);
        }
    }

    /** @return whether this is text contents */
    public boolean isText() {
        return text != null;
    }

    /** @return the decoded bytes of a blob, or the UTF-8 bytes of text */
    public byte[] bytes() {
        return text != null ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : Base64.getMimeDecoder().decode(blob);
    }
}
