package io.mcpwasm.wasi;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A server manifest could not be read: bad JSON, an unknown field, a bad value, or a malformed wasm module
 * that was to carry it. The message names the field path (for example {@code mounts[1].guestPath}) and the
 * reason, so that the author of the manifest can fix it. A manifest with several problems gives one exception
 * that lists them all, one per line ({@link #problems()}), and says which file they are in when it was read from
 * one.
 */
public final class ManifestException extends McpWasmException {
    private static final long serialVersionUID = 1L;

    /** The field path, or null when the problem is not about one field. */
    private final String field;
    private final String reason;
    private final List<Problem> problems;

    /**
     * One problem in a manifest.
     *
     * @param field  the path of the bad field, or null when the problem concerns the whole document
     * @param reason what is wrong
     */
    public record Problem(String field, String reason) {
        @Override
        public String toString() {
            return field == null ? reason : field + ": " + reason;
        }
    }

    /**
     * @param field  the path of the bad field ({@code name}, {@code mounts[1].guestPath}); null when the problem
     *               concerns the whole document or the wasm module
     * @param reason what is wrong, in words the manifest's author can act on
     */
    public ManifestException(String field, String reason) {
        super(field == null || field.isEmpty() ? reason : field + ": " + reason);
        this.field = field == null || field.isEmpty() ? null : field;
        this.reason = reason;
        this.problems = List.of(new Problem(this.field, reason));
    }

    /**
     * @param field  as in {@link #ManifestException(String, String)}
     * @param reason as in {@link #ManifestException(String, String)}
     * @param cause  the underlying failure (an I/O or JSON syntax error)
     */
    public ManifestException(String field, String reason, Throwable cause) {
        super(field == null || field.isEmpty() ? reason : field + ": " + reason, cause);
        this.field = field == null || field.isEmpty() ? null : field;
        this.reason = reason;
        this.problems = List.of(new Problem(this.field, reason));
    }

    private ManifestException(List<Problem> problems, String source, Throwable cause) {
        super(listing(problems, source), cause);
        this.problems = List.copyOf(problems);
        this.field = problems.size() == 1 ? problems.get(0).field() : null;
        this.reason = problems.size() == 1 ? problems.get(0).reason() + (source == null ? "" : " (in " + source + ")")
                : listing(problems, source);
    }

    private static String listing(List<Problem> problems, String source) {
        String in = source == null ? "" : " (in " + source + ")";
        if (problems.size() == 1) {
            return problems.get(0) + in;
        }
        return problems.size() + " problems in the manifest" + in + ":" + problems.stream()
                .map(p -> "\n  " + p).collect(Collectors.joining());
    }

    /** One exception for every problem a parse found (at least one), in the order found. */
    static ManifestException of(List<ManifestException> found) {
        List<Problem> all = found.stream().flatMap(e -> e.problems.stream()).toList();
        return new ManifestException(all, null, found.size() == 1 ? found.get(0).getCause() : null);
    }

    /** The same problems, said to be in {@code source} (a file, or the section embedded in one). */
    ManifestException in(String source) {
        return new ManifestException(problems, source, this);
    }

    /**
     * Every problem found, in the order found; one for most errors, several when a manifest has several bad
     * fields.
     */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * The path of the bad field, e.g. {@code mounts[1].guestPath}; empty when the problem is not one field's, or
     * when there are several problems (see {@link #problems()}).
     */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** What is wrong, without the field path; with several problems, all of them, one per line. */
    public String reason() {
        return reason;
    }
}
