package io.mcpwasm;

import java.util.List;
import java.util.Objects;

/**
 * A server's suggestions for an argument value ({@code completion/complete}).
 *
 * @param values the suggested values, best first (at most 100)
 * @param total how many suggestions there are in all, or {@code null} when the server did not say
 * @param hasMore whether there are more suggestions than {@code values}
 */
public record Completion(List<String> values, Integer total, boolean hasMore) {
    /** Copies the values. */
    public Completion {
        values = List.copyOf(Objects.requireNonNull(values, "values"));
    }
}
