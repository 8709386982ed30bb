package io.mcpwasm;

import java.util.Objects;

/**
 * One argument of a {@link Prompt}.
 *
 * @param name the argument's name
 * @param title a display title, or {@code null}
 * @param description a description, or {@code null}
 * @param required whether the argument must be given
 */
public record PromptArgument(String name, String title, String description, boolean required) {
    /** Checks the required members. */
    public PromptArgument {
        Objects.requireNonNull(name, "name");
    }
}
