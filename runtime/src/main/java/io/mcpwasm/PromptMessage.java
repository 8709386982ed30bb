package io.mcpwasm;

import java.util.Objects;

/**
 * One message of a prompt ({@code prompts/get}).
 *
 * @param role {@code "user"} or {@code "assistant"}
 * @param content the message's content block
 */
public record PromptMessage(String role, Content content) {
    /** Checks the required members. */
    public PromptMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
