package io.mcpwasm;

import java.util.List;
import java.util.Objects;

/**
 * A prompt template offered by a server ({@code prompts/list}).
 *
 * @param name the prompt's name, used to get it
 * @param title a display title, or {@code null}
 * @param description a description, or {@code null}
 * @param arguments the arguments the prompt accepts (never {@code null})
 */
public record Prompt(String name, String title, String description, List<PromptArgument> arguments) {
    /** Checks the required members and copies the argument list. */
    public Prompt {
        Objects.requireNonNull(name, "name");
        arguments = List.copyOf(Objects.requireNonNull(arguments, "arguments"));
    }
}
