package io.mcpwasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The result of a {@code tools/call}. A tool that failed is a normal result with {@link #isError()} set, not an
 * exception.
 *
 * @param content the content blocks (never {@code null})
 * @param structuredContent the structured result, or {@code null}
 * @param isError whether the tool reported an error
 */
public record ToolResult(List<Content> content, JsonNode structuredContent, boolean isError) {
    /** Copies the content list. */
    public ToolResult {
        content = List.copyOf(Objects.requireNonNull(content, "content"));
    }

    /** @return the text of every {@link TextContent} block, joined with {@code '\n'} (empty when there is none) */
    public String text() {
        return content.stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .collect(Collectors.joining("\n"));
    }
}
