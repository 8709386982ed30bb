package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Objects;

/**
 * An audio content block.
 *
 * @param data the audio, base64-encoded as sent
 * @param mimeType the audio's MIME type
 * @param annotations annotations as sent, or {@code null}
 */
public record AudioContent(String data, String mimeType, JsonNode annotations) implements Content {
    /** Checks the required members. */
    public AudioContent {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(mimeType, "mimeType");
    }

    /** @return the decoded audio bytes */
    public byte[] bytes() {
        return Base64.getMimeDecoder().decode(data);
    }

    @Override
    public String type() {
        return "audio";
    }
}
