package io.mcpwasm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpwasm.McpModule;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.ModuleLoadException;
import io.mcpwasm.wasi.HostPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A gateway config file ({@code mcpwasm serve --config gateway.json}):
 * <pre>{@code
 * {
 *   "http": "127.0.0.1:8080",                  // optional; --http overrides
 *   "bearerTokenFile": "token.txt",            // optional: clients must send Authorization: Bearer <its content>
 *   "allowedOrigins": ["https://app.example"], // besides http(s)://localhost, 127.0.0.1 and [::1] on any port
 *   "maxBodyBytes": "4MiB", "maxSessions": 64, "sessionIdle": "30m",
 *   "servers": {
 *     "workspace": {
 *       "module": "../samples/go-workspace/go-workspace.wasm",   // or "url": "https://...", "sha256": "..."
 *       "policy": {"mount": ["/workspace=./docs:ro"], "allowHost": [], "env": {}, "secret": {"name": "@file"},
 *                  "memory": "128MiB", "timeout": "20s", "maxMessage": "4MiB", "realtimeClock": false},
 *       "pool": 2                               // stateless servers: instances that serve requests without a session
 *     }
 *   }
 * }
 * }</pre>
 * Relative paths are resolved against the config file's directory. Every unknown key is an error naming it.
 */
final class GatewayConfig {
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> TOP = Set.of("http", "bearerTokenFile", "allowedOrigins", "maxBodyBytes",
            "maxSessions", "sessionIdle", "servers");
    private static final Set<String> SERVER = Set.of("module", "url", "sha256", "policy", "pool");
    private static final Set<String> POLICY = Set.of("mount", "allowHost", "env", "secret", "memory", "timeout",
            "maxMessage", "realtimeClock");

    final String http;
    final String bearerToken;
    final List<String> allowedOrigins;
    final long maxBodyBytes;
    final int maxSessions;
    final Duration sessionIdle;
    final Map<String, ServerConfig> servers;

    /** One served module: where it comes from, its policy and its stateless pool size (0: sessions only). */
    record ServerConfig(String name, String module, String url, String sha256, HostPolicy policy, int pool) {
        /** Loads (or downloads and checks) the module. */
        McpModule load(McpRuntime runtime) {
            if (module != null) {
                return runtime.load(Path.of(module));
            }
            byte[] bytes = download(url, sha256);
            return runtime.load(bytes, name);
        }
    }

    private GatewayConfig(JsonNode root, Path dir) {
        checkKeys(root, TOP, "config");
        http = root.path("http").asText(null);
        String tokenFile = root.path("bearerTokenFile").asText(null);
        try {
            bearerToken = tokenFile == null ? null
                    : Files.readString(dir.resolve(tokenFile), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("config: bearerTokenFile " + tokenFile + ": cannot read: " + e.getMessage(), e);
        }
        if (bearerToken != null && bearerToken.isEmpty()) {
            throw new IllegalArgumentException("config: bearerTokenFile " + tokenFile + " is empty");
        }
        allowedOrigins = new ArrayList<>();
        root.path("allowedOrigins").forEach(o -> allowedOrigins.add(o.asText()));
        maxBodyBytes = root.has("maxBodyBytes") ? PolicyFlags.size(root.get("maxBodyBytes").asText())
                : HostPolicy.DEFAULT_MAX_MESSAGE_BYTES;
        maxSessions = root.path("maxSessions").asInt(256);
        sessionIdle = root.has("sessionIdle") ? PolicyFlags.duration(root.get("sessionIdle").asText())
                : Duration.ofMinutes(30);
        servers = new LinkedHashMap<>();
        JsonNode list = root.path("servers");
        if (!list.isObject() || list.isEmpty()) {
            throw new IllegalArgumentException("config: \"servers\" must name at least one server");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = list.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            servers.put(e.getKey(), server(e.getKey(), e.getValue(), dir));
        }
    }

    /** Reads a config file; every problem is an {@link IllegalArgumentException} naming the key. */
    static GatewayConfig load(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            return new GatewayConfig(JsonRpc.JSON.readTree(Files.readAllBytes(file)), dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a config from text; relative paths against {@code dir}. */
    static GatewayConfig parse(String json, Path dir) {
        try {
            return new GatewayConfig(JsonRpc.JSON.readTree(json), dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("config: " + e.getMessage(), e);
        }
    }

    private static ServerConfig server(String name, JsonNode s, Path dir) {
        String where = "config: server '" + name + "'";
        if (!SERVER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": a name is letters, digits, '.', '_' or '-'");
        }
        checkKeys(s, SERVER, where);
        String module = s.path("module").asText(null);
        String url = s.path("url").asText(null);
        String sha = s.path("sha256").asText(null);
        if ((module == null) == (url == null)) {
            throw new IllegalArgumentException(where + ": give exactly one of \"module\" (a path) and \"url\"");
        }
        if (url != null && (sha == null || !sha.matches("[0-9a-fA-F]{64}"))) {
            throw new IllegalArgumentException(where + ": a \"url\" needs \"sha256\" (64 hex digits) of the module");
        }
        if (url != null && !(url.startsWith("https://") || url.startsWith("http://"))) {
            throw new IllegalArgumentException(where + ": \"url\" must be http(s)");
        }
        HostPolicy.Builder b = HostPolicy.builder();
        JsonNode p = s.path("policy");
        checkKeys(p, POLICY, where + " policy");
        try {
            p.path("mount").forEach(v -> PolicyFlags.apply(b, "--mount", v.asText(), dir));
            p.path("allowHost").forEach(v -> PolicyFlags.apply(b, "--allow-host", v.asText(), dir));
            p.path("env").properties().iterator().forEachRemaining(v -> PolicyFlags.apply(b, "--env",
                    v.getKey() + "=" + v.getValue().asText(), dir));
            p.path("secret").properties().iterator().forEachRemaining(v -> PolicyFlags.apply(b, "--secret",
                    v.getKey() + "=" + v.getValue().asText(), dir));
            for (String[] f : new String[][] {{"memory", "--memory"}, {"timeout", "--timeout"},
                    {"maxMessage", "--max-message"}}) {
                if (p.has(f[0])) {
                    PolicyFlags.apply(b, f[1], p.get(f[0]).asText(), dir);
                }
            }
            if (p.path("realtimeClock").asBoolean(false)) {
                b.allowRealtimeClock();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " policy: " + e.getMessage(), e);
        }
        int pool = s.path("pool").asInt(0);
        if (pool < 0 || pool > 64) {
            throw new IllegalArgumentException(where + ": \"pool\" must be 0 to 64");
        }
        return new ServerConfig(name, module == null ? null : dir.resolve(module).toString(), url, sha, b.build(), pool);
    }

    private static void checkKeys(JsonNode node, Set<String> known, String where) {
        if (node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key \"" + k + "\" (known: " + known + ")");
            }
        });
    }

    /** Downloads a module and checks its digest; a mismatch is a {@link ModuleLoadException} naming both. */
    static byte[] download(String url, String sha256) {
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new ModuleLoadException(url, "download answered HTTP " + r.statusCode());
            }
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
            if (!actual.equalsIgnoreCase(sha256)) {
                throw new ModuleLoadException(url, "sha256 is " + actual + ", the config expects " + sha256);
            }
            return r.body();
        } catch (IOException e) {
            throw new ModuleLoadException(url, "download failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModuleLoadException(url, "download interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
