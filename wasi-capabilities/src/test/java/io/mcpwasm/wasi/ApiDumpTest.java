package io.mcpwasm.wasi;

import io.mcpwasm.build.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The exported API equals {@code api/mcpwasm-wasi-capabilities.api}; see CONTRIBUTING.md to regenerate it. */
class ApiDumpTest {
    @Test
    void publicApiMatchesTheCommittedDump() {
        ApiDump.check(Path.of("target/classes"), Path.of("api/mcpwasm-wasi-capabilities.api"), getClass().getClassLoader());
    }
}
