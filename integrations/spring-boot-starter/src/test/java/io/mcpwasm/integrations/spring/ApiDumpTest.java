package io.mcpwasm.integrations.spring;

import io.mcpwasm.build.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The public API equals {@code api/mcpwasm-spring-boot-starter.api}; see CONTRIBUTING.md to regenerate it. */
class ApiDumpTest {
    @Test
    void publicApiMatchesTheCommittedDump() {
        ApiDump.check(Path.of("target/classes"), Path.of("api/mcpwasm-spring-boot-starter.api"), getClass().getClassLoader());
    }
}
