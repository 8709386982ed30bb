package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A tool offered by a server ({@code tools/list}).
 *
 * @param name the tool's unique name, used to call it
 * @param title a display title, or {@code null}
 * @param description what the tool does, or {@code null}
 * @param inputSchema the JSON Schema of the arguments (never {@code null})
 * @param outputSchema the JSON Schema of {@code structuredContent}, or {@code null}
 * @param annotations behaviour hints as sent, or {@code null}
 */
public record Tool(String name, String title, String description, JsonNode inputSchema, JsonNode outputSchema,
        JsonNode annotations) {
    /** Checks the required members. */
    public Tool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputSchema, "inputSchema");
    }
}
