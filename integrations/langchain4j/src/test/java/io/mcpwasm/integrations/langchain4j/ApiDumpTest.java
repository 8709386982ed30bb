package io.mcpwasm.integrations.langchain4j;

import io.mcpwasm.build.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API equals {@code api/mcpwasm-langchain4j.api}; see CONTRIBUTING.md to regenerate it. */
class ApiDumpTest {
    @Test
    void publicApiMatchesTheCommittedDump() {
        ApiDump.check(Path.of("target/classes"), Path.of("api/mcpwasm-langchain4j.api"), getClass().getClassLoader());
    }
}
