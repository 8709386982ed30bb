package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A text content block.
 *
 * @param text the text
 * @param annotations annotations as sent, or {@code null}
 */
public record TextContent(String text, JsonNode annotations) implements Content {
    /** Checks the required members. */
    public TextContent {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
        return "text";
    }
}
