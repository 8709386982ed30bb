package io.mcpwasm.wasi;

import static io.mcpwasm.wasi.internal.manifest.ManifestFields.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Reads manifest JSON into a {@link Manifest}, strictly: every unknown field or bad value is an error. The manifest
 * comes from an untrusted module, so parsing is linear in its size and every size is capped (see
 * {@code ManifestFields}): bytes, nesting, entries per list, text lengths.
 */
final class ManifestParser {

    // The nesting cap stops a deeply nested document while it is read, before any tree is built.
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(DEPTH_MAX).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** Every problem found so far; the parser goes on after one, so that the author sees them all at once. */
    private final List<ManifestException> problems = new ArrayList<>();

    private ManifestParser() {
    }

    static Manifest parse(byte[] utf8) {
        if (utf8.length > MANIFEST_MAX_BYTES) {
            throw new ManifestException(null, "manifest is " + utf8.length + " bytes; at most " + MANIFEST_MAX_BYTES
                    + " (64 KiB) are allowed");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new ManifestException(null, "manifest is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new ManifestException(null, "manifest nests objects and arrays more than " + DEPTH_MAX
                    + " deep", e);
        } catch (JsonProcessingException e) {
            throw new ManifestException(null, "manifest is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ManifestException(null, "manifest is empty");
        }
        ManifestParser parser = new ManifestParser();
        Manifest m = parser.top(root);
        if (!parser.problems.isEmpty()) {
            throw ManifestException.of(parser.problems);
        }
        return m;
    }

    /** Runs one check; a problem it finds is recorded and {@code fallback} stands in for its value. */
    private <T> T check(java.util.function.Supplier<T> part, T fallback) {
        try {
            return part.get();
        } catch (ManifestException e) {
            problems.add(e);
            return fallback;
        }
    }

    private Manifest top(JsonNode root) {
        object(root, "", TOP);
        check(() -> {
            JsonNode v = root.get("manifestVersion");
            if (v == null) {
                throw new ManifestException("manifestVersion", "required; this host reads manifestVersion 1");
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != Manifest.VERSION) {
                throw new ManifestException("manifestVersion", "unsupported value " + v + "; this host reads "
                        + "manifestVersion " + Manifest.VERSION);
            }
            return null;
        }, null);
        String name = check(() -> {
            String n = string(required(root, "name", ""), "name");
            if (n.length() > SERVER_NAME_MAX || !SERVER_NAME.matcher(n).matches()) {
                throw new ManifestException("name", "'" + n + "' must match [a-z0-9][a-z0-9._-]* and be at most "
                        + SERVER_NAME_MAX + " characters");
            }
            return n;
        }, "");
        String version = check(() -> optString(root, "version", "version", VERSION_MAX), null);
        String description = check(() -> optString(root, "description", "description", TEXT_MAX), null);
        List<Manifest.Mount> mounts = check(() -> mounts(root.get("mounts")), List.of());
        List<HostPattern> hosts = check(() -> network(root.get("network")), List.of());
        List<String> env = check(() -> env(root.get("env")), List.of());
        List<Manifest.Secret> secrets = check(() -> secrets(root.get("secrets"), mounts), List.of());
        Manifest.Limits limits = check(() -> limits(root.get("limits")), Manifest.Limits.NONE);
        Manifest.Clock clock = check(() -> clock(root.get("clock")), Manifest.Clock.DEFAULT);
        boolean random = check(() -> bool(root.get("random"), "random", true), true);
        boolean stateless = check(() -> bool(root.get("stateless"), "stateless", false), false);
        List<String> args = check(() -> args(root.get("args")), List.of());
        return new Manifest(name, version, description, mounts, hosts, env, secrets, limits, clock, random,
                stateless, args);
    }

    private List<Manifest.Mount> mounts(JsonNode node) {
        List<Manifest.Mount> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode m : array(node, "mounts", MOUNTS_MAX)) {
            String at = "mounts[" + i++ + "]";
            if (!check(() -> object(m, at, MOUNT), false)) {
                continue;
            }
            String guestPath = check(() -> {
                String p = guestPath(required(m, "guestPath", at), at + ".guestPath", true);
                if (!seen.add(p)) {
                    throw new ManifestException(at + ".guestPath", "'" + p + "' is declared twice");
                }
                return p;
            }, null);
            MountMode mode = check(() -> {
                String modeText = string(required(m, "mode", at), at + ".mode");
                return switch (modeText) {
                    case "ro" -> MountMode.READ_ONLY;
                    case "rw" -> MountMode.READ_WRITE;
                    default -> throw new ManifestException(at + ".mode", "'" + modeText
                            + "' must be \"ro\" or \"rw\"");
                };
            }, null);
            String purpose = check(() -> Optional.ofNullable(optString(m, "purpose", at + ".purpose", TEXT_MAX))
                    .orElse(""), "");
            boolean required = check(() -> bool(m.get("required"), at + ".required", true), true);
            if (guestPath != null && mode != null) {
                out.add(new Manifest.Mount(guestPath, mode, purpose, required));
            }
        }
        return out;
    }

    private List<HostPattern> network(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        object(node, "network", NETWORK);
        List<HostPattern> out = new ArrayList<>();
        Set<HostPattern> seen = new HashSet<>();
        int i = 0;
        for (JsonNode h : array(node.get("hosts"), "network.hosts", HOSTS_MAX)) {
            String at = "network.hosts[" + i++ + "]";
            HostPattern host = check(() -> {
                String text = string(h, at);
                HostPattern p;
                try {
                    p = HostPattern.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new ManifestException(at, e.getMessage());
                }
                if (!seen.add(p)) {
                    throw new ManifestException(at, "'" + text + "' is declared twice (as " + p + ")");
                }
                return p;
            }, null);
            if (host != null) {
                out.add(host);
            }
        }
        return out;
    }

    private List<String> env(JsonNode node) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode e : array(node, "env", ENV_MAX)) {
            String at = "env[" + i++ + "]";
            String variable = check(() -> {
                String name = string(e, at);
                if (name.length() > NAME_MAX || !ENV_NAME.matcher(name).matches()) {
                    throw new ManifestException(at, "'" + name + "' is not a variable name "
                            + "([A-Za-z_][A-Za-z0-9_]*, at most " + NAME_MAX + " characters)");
                }
                if (!seen.add(name)) {
                    throw new ManifestException(at, "'" + name + "' is declared twice");
                }
                return name;
            }, null);
            if (variable != null) {
                out.add(variable);
            }
        }
        return out;
    }

    /** The guest's default argv after argv[0]: strings without NUL, capped in count and length; may repeat. */
    private List<String> args(JsonNode node) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode a : array(node, "args", ARGS_MAX)) {
            String at = "args[" + i++ + "]";
            String argument = check(() -> {
                String arg = string(a, at);
                if (arg.length() > ARG_MAX) {
                    throw new ManifestException(at, arg.length() + " characters; at most " + ARG_MAX
                            + " are allowed");
                }
                if (arg.indexOf('\0') >= 0) {
                    throw new ManifestException(at, "contains a NUL character, which a C string cannot hold");
                }
                return arg;
            }, null);
            if (argument != null) {
                out.add(argument);
            }
        }
        return out;
    }

    private List<Manifest.Secret> secrets(JsonNode node, List<Manifest.Mount> mounts) {
        List<Manifest.Secret> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        int i = 0;
        for (JsonNode s : array(node, "secrets", SECRETS_MAX)) {
            String at = "secrets[" + i++ + "]";
            if (!check(() -> object(s, at, SECRET), false)) {
                continue;
            }
            String name = check(() -> {
                String n = string(required(s, "name", at), at + ".name");
                if (n.length() > NAME_MAX || !SECRET_NAME.matcher(n).matches()) {
                    throw new ManifestException(at + ".name", "'" + n + "' must match [A-Za-z0-9][A-Za-z0-9._-]* "
                            + "and be at most " + NAME_MAX + " characters");
                }
                if (!names.add(n)) {
                    throw new ManifestException(at + ".name", "'" + n + "' is declared twice");
                }
                return n;
            }, null);
            String path = check(() -> secretPath(s, at, paths, mounts), null);
            if (name != null && path != null) {
                out.add(new Manifest.Secret(name, path));
            }
        }
        return out;
    }

    private static String secretPath(JsonNode s, String at, Set<String> paths, List<Manifest.Mount> mounts) {
        String path = guestPath(required(s, "guestPath", at), at + ".guestPath", false);
        if (!paths.add(path)) {
            throw new ManifestException(at + ".guestPath", "'" + path + "' is used by two secrets");
        }
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        for (Manifest.Mount m : mounts) {
            if (m.guestPath().equals(path)) {
                throw new ManifestException(at + ".guestPath", "'" + path + "' is also a mount's guest path");
            }
            if (m.guestPath().equals(parent)) {
                throw new ManifestException(at + ".guestPath", "'" + path + "' is in the directory of mount '"
                        + parent + "'; secrets are served from a read-only directory of their own, so put them"
                        + " in another directory (e.g. /run/secrets)");
            }
        }
        return path;
    }

    private Manifest.Limits limits(JsonNode node) {
        if (node == null) {
            return Manifest.Limits.NONE;
        }
        object(node, "limits", LIMITS);
        OptionalLong none = OptionalLong.empty();
        OptionalLong memory = check(() -> size(node.get("memory"), "limits.memory", MEMORY_MIN, MEMORY_MAX), none);
        JsonNode t = node.get("callTimeout");
        Optional<Duration> timeout = t == null ? Optional.empty()
                : check(() -> Optional.of(duration(t, "limits.callTimeout")), Optional.empty());
        OptionalLong message = check(() -> size(node.get("maxMessageBytes"), "limits.maxMessageBytes", 1,
                Integer.MAX_VALUE), none);
        OptionalLong quota = check(() -> size(node.get("filesystemQuota"), "limits.filesystemQuota", 0,
                Long.MAX_VALUE), none);
        OptionalLong entries = check(() -> count(node.get("filesystemEntries"), "limits.filesystemEntries"), none);
        return new Manifest.Limits(memory, timeout, message, quota, entries);
    }

    /** A count: a non-negative integer (not a size string). */
    private static OptionalLong count(JsonNode node, String at) {
        if (node == null) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw new ManifestException(at, "must be a whole number from 0 up, not " + node);
        }
        return OptionalLong.of(node.longValue());
    }

    private Manifest.Clock clock(JsonNode node) {
        if (node == null) {
            return Manifest.Clock.DEFAULT;
        }
        object(node, "clock", CLOCK);
        boolean realtime = Manifest.Clock.DEFAULT.realtime();
        boolean monotonic = Manifest.Clock.DEFAULT.monotonic();
        return new Manifest.Clock(check(() -> bool(node.get("realtime"), "clock.realtime", realtime), realtime),
                check(() -> bool(node.get("monotonic"), "clock.monotonic", monotonic), monotonic));
    }

    // ---- value helpers ----

    /**
     * Checks that {@code node} is an object; each unknown field in it is recorded as a problem (its known fields
     * are still read).
     *
     * @return true (so that it can run under {@link #check})
     * @throws ManifestException when it is not an object at all
     */
    private boolean object(JsonNode node, String at, List<String> allowed) {
        if (!node.isObject()) {
            throw new ManifestException(at, "must be a JSON object, not " + kind(node));
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!allowed.contains(f)) {
                problems.add(new ManifestException(at.isEmpty() ? f : at + "." + f,
                        "unknown field; allowed here: " + String.join(", ", allowed)));
            }
        }
        return true;
    }

    private static Iterable<JsonNode> array(JsonNode node, String at, int max) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ManifestException(at, "must be a JSON array, not " + kind(node));
        }
        if (node.size() > max) {
            throw new ManifestException(at, node.size() + " entries; at most " + max + " are allowed");
        }
        return node;
    }

    private static JsonNode required(JsonNode obj, String field, String at) {
        JsonNode v = obj.get(field);
        if (v == null) {
            throw new ManifestException(at.isEmpty() ? field : at + "." + field, "required");
        }
        return v;
    }

    private static String string(JsonNode node, String at) {
        if (!node.isTextual()) {
            throw new ManifestException(at, "must be a string, not " + kind(node));
        }
        return node.textValue();
    }

    private static String optString(JsonNode obj, String field, String at, int max) {
        JsonNode v = obj.get(field);
        if (v == null) {
            return null;
        }
        String s = string(v, at);
        if (s.length() > max) {
            throw new ManifestException(at, s.length() + " characters; at most " + max + " are allowed");
        }
        return s;
    }

    private static boolean bool(JsonNode node, String at, boolean dflt) {
        if (node == null) {
            return dflt;
        }
        if (!node.isBoolean()) {
            throw new ManifestException(at, "must be true or false, not " + kind(node));
        }
        return node.booleanValue();
    }

    /** An absolute, normalized guest path (see {@code ManifestFields.guestPathProblem}). */
    private static String guestPath(JsonNode node, String at, boolean rootAllowed) {
        String p = string(node, at);
        String problem = guestPathProblem(p, rootAllowed);
        if (problem != null) {
            throw new ManifestException(at, problem);
        }
        return p;
    }

    private static OptionalLong size(JsonNode node, String at, long min, long max) {
        if (node == null) {
            return OptionalLong.empty();
        }
        long value;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new ManifestException(at, node + " is too large");
            }
            value = node.longValue();
        } else if (node.isTextual()) {
            Matcher m = SIZE.matcher(node.textValue());
            if (!m.matches()) {
                throw new ManifestException(at, "'" + node.textValue() + "' is not a size: write bytes as a number, "
                        + "or a number with B, KiB, MiB, GiB or TiB (e.g. \"64MiB\")");
            }
            int shift = switch (m.group(2)) {
                case "B" -> 0;
                case "KiB" -> 10;
                case "MiB" -> 20;
                case "GiB" -> 30;
                default -> 40;
            };
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new ManifestException(at, "'" + node.textValue() + "' is too large");
            }
            value = n << shift;
        } else {
            throw new ManifestException(at, "must be a number of bytes or a string like \"64MiB\", not " + kind(node));
        }
        if (value < min || value > max) {
            throw new ManifestException(at, value + " bytes is out of range: " + min + " to " + max);
        }
        return OptionalLong.of(value);
    }

    private static Duration duration(JsonNode node, String at) {
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong() || node.longValue() < 1) {
                throw new ManifestException(at, node + " must be a positive number of milliseconds");
            }
            return Duration.ofMillis(node.longValue());
        }
        if (node.isTextual()) {
            Matcher m = DURATION.matcher(node.textValue());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            throw new ManifestException(at, "'" + node.textValue() + "' is not a duration: write milliseconds as a "
                    + "number, or a positive number with ms, s or m (e.g. \"30s\", \"500ms\")");
        }
        throw new ManifestException(at, "must be a number of milliseconds or a string like \"30s\", not "
                + kind(node));
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
