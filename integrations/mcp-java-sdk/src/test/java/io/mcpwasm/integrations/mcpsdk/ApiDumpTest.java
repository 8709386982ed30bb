package io.mcpwasm.integrations.mcpsdk;

import io.mcpwasm.build.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API equals {@code api/mcpwasm-mcp-java-sdk.api}; see CONTRIBUTING.md to regenerate it. */
class ApiDumpTest {
    @Test
    void publicApiMatchesTheCommittedDump() {
        ApiDump.check(Path.of("target/classes"), Path.of("api/mcpwasm-mcp-java-sdk.api"), getClass().getClassLoader());
    }
}
