package io.mcpwasm;

import java.util.Objects;

/**
 * What a {@code completion/complete} request completes an argument of: a prompt (by name) or a resource template
 * (by URI template). Build with {@link #prompt(String)} or {@link #resourceTemplate(String)}.
 *
 * @param type the reference type on the wire: {@code ref/prompt} or {@code ref/resource}
 * @param target the prompt's name or the resource template's URI template
 */
public record CompletionReference(String type, String target) {
    /** Checks the type and that the target is given. */
    public CompletionReference {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        if (!type.equals("ref/prompt") && !type.equals("ref/resource")) {
            throw new IllegalArgumentException("completion reference type must be ref/prompt or ref/resource, got "
                    + type);
        }
    }

    /** @param name a prompt's name @return a reference to that prompt */
    public static CompletionReference prompt(String name) {
        return new CompletionReference("ref/prompt", name);
    }

    /** @param uriTemplate a resource template's URI template @return a reference to that template */
    public static CompletionReference resourceTemplate(String uriTemplate) {
        return new CompletionReference("ref/resource", uriTemplate);
    }
}
