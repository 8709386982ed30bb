/*
 * fault-server: a minimal MCP server (stdio, one JSON-RPC message per line) for mcpwasm's fault tests.
 * It answers initialize, tools/list and tools/call; each tool ends the guest in one specific way that only
 * C can produce in wasm: a trap, stack exhaustion, memory growth past the host's cap.
 * The JSON handling is deliberately tiny: it only finds "id", "method" and the tool "name" in requests the
 * test host sends, which are single-line and compact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char line[1 << 16];

/* Copies the raw JSON value of "key" (a number or a string with quotes) into out; 0 if absent. */
static int find_value(const char *json, const char *key, char *out, size_t out_len) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    if (!p) return 0;
    p += strlen(pattern);
    while (*p == ' ') p++;
    size_t n = 0;
    if (*p == '"') {
        out[n++] = *p++;
        while (*p && *p != '"' && n + 2 < out_len) out[n++] = *p++;
        out[n++] = '"';
    } else {
        while (*p && *p != ',' && *p != '}' && n + 1 < out_len) out[n++] = *p++;
    }
    out[n] = 0;
    return 1;
}

static volatile int sink;
static char *volatile kept; /* keeps each allocation observable, so the compiler cannot elide malloc */

/*
 * Recursion that uses only the wasm call stack (no locals in linear memory, where C keeps its own stack):
 * the indirect call through a volatile pointer keeps clang from turning it into a loop.
 */
static int recurse(int depth);
static int (*volatile again)(int) = recurse;
static int recurse(int depth) {
    return again(depth + 1) + depth;
}

static void respond(const char *id, const char *result) {
    printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}\n", id, result);
    fflush(stdout);
}

int main(void) {
    char id[64], method[64], name[64];
    /* An identity per instance, from the host's random_get: lets a pool test see which instance answered. */
    unsigned int instance = arc4random();
    while (fgets(line, sizeof line, stdin)) {
        if (!find_value(line, "method", method, sizeof method)) continue;
        if (!find_value(line, "id", id, sizeof id)) continue; /* notifications need no answer */
        if (strcmp(method, "\"initialize\"") == 0) {
            respond(id, "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                        "\"serverInfo\":{\"name\":\"fault-server\",\"version\":\"1.0.0\"}}");
        } else if (strcmp(method, "\"tools/list\"") == 0) {
            respond(id, "{\"tools\":["
                        "{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}},"
                        "{\"name\":\"trap\",\"inputSchema\":{\"type\":\"object\"}},"
                        "{\"name\":\"recurse\",\"inputSchema\":{\"type\":\"object\"}},"
                        "{\"name\":\"grow\",\"inputSchema\":{\"type\":\"object\"}},"
                        "{\"name\":\"whoami\",\"inputSchema\":{\"type\":\"object\"}}]}");
        } else if (strcmp(method, "\"tools/call\"") == 0) {
            if (!find_value(line, "name", name, sizeof name)) name[0] = 0;
            if (strcmp(name, "\"trap\"") == 0) {
                __builtin_trap();
            } else if (strcmp(name, "\"recurse\"") == 0) {
                sink = recurse(0);
            } else if (strcmp(name, "\"grow\"") == 0) {
                /* Touch memory until the host refuses to grow it; then fail the way C programs do. */
                for (;;) {
                    char *block = malloc(1 << 20);
                    if (!block) {
                        fprintf(stderr, "fault-server: out of memory\n");
                        abort();
                    }
                    memset(block, 1, 1 << 20);
                    kept = block;
                }
            } else if (strcmp(name, "\"whoami\"") == 0) {
                char result[128];
                snprintf(result, sizeof result, "{\"content\":[{\"type\":\"text\",\"text\":\"%08x\"}]}", instance);
                respond(id, result);
            } else {
                respond(id, "{\"content\":[{\"type\":\"text\",\"text\":\"echo\"}]}");
            }
        } else if (strcmp(method, "\"ping\"") == 0) {
            respond(id, "{}");
        } else {
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}\n", id);
            fflush(stdout);
        }
    }
    return 0;
}
