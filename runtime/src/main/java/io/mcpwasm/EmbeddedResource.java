package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A content block that embeds a resource's contents ({@code resource}).
 *
 * @param resource the embedded contents (text or blob)
 * @param annotations annotations as sent, or {@code null}
 */
public record EmbeddedResource(ResourceContents resource, JsonNode annotations) implements Content {
    /** Checks the required members. */
    public EmbeddedResource {
        Objects.requireNonNull(resource, "resource");
    }

    @Override
    public String type() {
        return "resource";
    }
}
