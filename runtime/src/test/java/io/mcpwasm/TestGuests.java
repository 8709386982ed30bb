package io.mcpwasm;

import java.nio.file.Path;

/** The runtime's committed test guests (built by src/test/guests/build.sh) and a shared runtime for them. */
final class TestGuests {
    private TestGuests() {}

    static Path guest(String name) {
        return Path.of("src/test/resources/guests", name + ".wasm");
    }

    /** A runtime whose compile cache lives in target/, so test runs after the first skip compilation. */
    static McpRuntime runtime() {
        return McpRuntime.builder().compileCache(Path.of("target/test-compile-cache")).build();
    }
}
