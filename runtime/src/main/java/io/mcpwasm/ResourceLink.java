package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A content block that points at a resource without embedding it ({@code resource_link}).
 *
 * @param uri the resource's URI
 * @param name the resource's name
 * @param title a display title, or {@code null}
 * @param description a description, or {@code null}
 * @param mimeType the MIME type, or {@code null}
 * @param size the size in bytes, or {@code null} when unknown
 * @param annotations annotations as sent, or {@code null}
 */
public record ResourceLink(String uri, String name, String title, String description, String mimeType, Long size,
        JsonNode annotations) implements Content {
    /** Checks the required members. */
    public ResourceLink {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String type() {
        return "resource_link";
    }
}
