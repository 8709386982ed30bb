package io.mcpwasm;

/**
 * One content block of a tool result or prompt message: {@link TextContent}, {@link ImageContent},
 * {@link AudioContent}, {@link ResourceLink} or {@link EmbeddedResource}.
 */
public sealed interface Content permits TextContent, ImageContent, AudioContent, ResourceLink, EmbeddedResource {
    /** @return the wire {@code type} of this block, e.g. {@code "text"} */
    String type();
}
