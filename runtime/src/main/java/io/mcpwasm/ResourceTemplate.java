package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A parameterised resource offered by a server ({@code resources/templates/list}).
 *
 * @param uriTemplate the RFC 6570 URI template
 * @param name the template's name
 * @param title a display title, or {@code null}
 * @param description a description, or {@code null}
 * @param mimeType the MIME type of matching resources, or {@code null}
 * @param annotations annotations as sent, or {@code null}
 */
public record ResourceTemplate(String uriTemplate, String name, String title, String description, String mimeType,
        JsonNode annotations) {
    /** Checks the required members. */
    public ResourceTemplate {
        Objects.requireNonNull(uriTemplate, "uriTemplate");
        Objects.requireNonNull(name, "name");
    }
}
