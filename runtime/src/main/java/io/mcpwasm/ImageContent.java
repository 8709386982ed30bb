package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Objects;

/**
 * An image content block.
 *
 * @param data the image, base64-encoded as sent
 * @param mimeType the image's MIME type
 * @param annotations annotations as sent, or {@code null}
 */
public record ImageContent(String data, String mimeType, JsonNode annotations) implements Content {
    /** Checks the required members. */
    public ImageContent {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(mimeType, "mimeType");
    }

    /** @return the decoded image bytes */
    public byte[] bytes() {
        return Base64.getMimeDecoder().decode(data);
    }

    @Override
    public String type() {
        return "image";
    }
}
