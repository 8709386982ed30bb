package io.mcpwasm;

import java.util.List;
import java.util.Objects;

/**
 * A prompt rendered by the server ({@code prompts/get}).
 *
 * @param description a description, or {@code null}
 * @param messages the prompt's messages (never {@code null})
 */
public record PromptResult(String description, List<PromptMessage> messages) {
    /** Copies the message list. */
    public PromptResult {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }
}
