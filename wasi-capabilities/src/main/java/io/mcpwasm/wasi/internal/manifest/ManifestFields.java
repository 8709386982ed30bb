package io.mcpwasm.wasi.internal.manifest;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The field names and value syntaxes of manifest version 1, in one place: the parser reads them, and the
 * tests check that the published JSON Schema lists exactly these.
 */
public final class ManifestFields {

    /** Fields of the top-level object. */
    public static final List<String> TOP = List.of("manifestVersion", "name", "version", "description", "mounts",
            "network", "env", "secrets", "limits", "clock", "random", "stateless", "args");
    /** Fields of each {@code mounts[i]}. */
    public static final List<String> MOUNT = List.of("guestPath", "mode", "purpose", "required");
    /** Fields of {@code network}. */
    public static final List<String> NETWORK = List.of("hosts");
    /** Fields of each {@code secrets[i]}. */
    public static final List<String> SECRET = List.of("name", "guestPath");
    /** Fields of {@code limits}. */
    public static final List<String> LIMITS = List.of("memory", "callTimeout", "maxMessageBytes", "filesystemQuota",
        "filesystemEntries");
    /** Fields of {@code clock}. */
    public static final List<String> CLOCK = List.of("realtime", "monotonic");

    /** Each object's JSON path in the schema's terms (as used by the tests), to its fields. */
    public static final Map<String, List<String>> OBJECTS = Map.of(
            "", TOP, "mounts[]", MOUNT, "network", NETWORK, "secrets[]", SECRET, "limits", LIMITS, "clock", CLOCK);

    /** Server names. */
    public static final Pattern SERVER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** Longest server name. */
    public static final int SERVER_NAME_MAX = 64;
    /** Environment variable names (POSIX portable names). */
    public static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Secret names. */
    public static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Longest environment variable name or secret name. */
    public static final int NAME_MAX = 128;
    /** Longest guest path. */
    public static final int PATH_MAX = 1024;
    /** Byte sizes written as text: a number and a binary unit. */
    public static final Pattern SIZE = Pattern.compile("(0|[1-9][0-9]{0,18})(B|KiB|MiB|GiB|TiB)");
    /** Durations written as text: a number and a unit. */
    public static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,12})(ms|s|m)");
    /**
     * The largest manifest, in bytes of UTF-8 JSON. The manifest travels inside an untrusted module, so everything a
     * parser does with it is bounded: its size, its nesting, the entries of each list and the length of each text.
     */
    public static final int MANIFEST_MAX_BYTES = 64 * 1024;
    /** The deepest nesting of JSON objects and arrays (a valid manifest nests three deep). */
    public static final int DEPTH_MAX = 8;
    /** Most entries of {@code mounts}. */
    public static final int MOUNTS_MAX = 64;
    /** Most entries of {@code network.hosts}. */
    public static final int HOSTS_MAX = 256;
    /** Most entries of {@code env}. */
    public static final int ENV_MAX = 256;
    /** Most entries of {@code args}. */
    public static final int ARGS_MAX = 64;
    /** Longest entry of {@code args}. */
    public static final int ARG_MAX = 4096;
    /** Most entries of {@code secrets}. */
    public static final int SECRETS_MAX = 64;
    /** Longest {@code version}. */
    public static final int VERSION_MAX = 128;
    /** Longest free text: {@code description}, {@code mounts[].purpose}. */
    public static final int TEXT_MAX = 4096;
    /** The smallest memory limit: one 64 KiB wasm page. */
    public static final long MEMORY_MIN = 65_536L;
    /** The largest memory limit: the 4 GiB a wasm32 memory can address. */
    public static final long MEMORY_MAX = 4L * 1024 * 1024 * 1024;

    private ManifestFields() {
    }

    /**
     * Checks a guest path: absolute, at most {@link #PATH_MAX} characters, no NUL or backslash, no empty,
     * {@code .} or {@code ..} components, no trailing '/'; "/" itself only when {@code rootAllowed}.
     *
     * @return what is wrong, or null when the path is fine
     */
    public static String guestPathProblem(String p, boolean rootAllowed) {
        if (!p.startsWith("/")) {
            return "'" + p + "' must be an absolute path (start with '/')";
        }
        if (p.length() > PATH_MAX) {
            return "longer than " + PATH_MAX + " characters";
        }
        if (p.indexOf('\0') >= 0 || p.indexOf('\\') >= 0) {
            return "'" + p + "' must not contain NUL or backslash";
        }
        if (p.equals("/")) {
            return rootAllowed ? null : "'/' is a directory, not a file path";
        }
        if (p.endsWith("/")) {
            return "'" + p + "' must not end with '/'";
        }
        for (String c : p.substring(1).split("/", -1)) {
            if (c.isEmpty() || c.equals(".") || c.equals("..")) {
                return "'" + p + "' is not normalized (no '//', '.' or '..' components)";
            }
        }
        return null;
    }
}
