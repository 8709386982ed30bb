package io.mcpwasm.wasi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A server's {@link Grants} are reachable by any code holding the server ({@code McpServer.grants()}): no public
 * method and no {@code toString} may give a secret's value back.
 */
class GrantsSecretsTest {
    private static final String SECRET = "s3cr3t-VALUE-plugh";

    private static Grants grantsWithSecret(byte[] value) {
        Manifest m = Manifest.parse("{\"manifestVersion\":1,\"name\":\"vault\",\"secrets\":[{\"name\":\"token\","
                + "\"guestPath\":\"/run/secrets/token\"}]}");
        return Grants.resolve(m, HostPolicy.builder().secret("token", value).build(), AuditListener.NONE);
    }

    @Test
    void secretsAreGrantedAtTheirGuestPathAndCopied() {
        byte[] value = SECRET.getBytes(StandardCharsets.UTF_8);
        Grants g = grantsWithSecret(value);
        value[0] = 'X';
        Map<String, byte[]> files = g.secretFiles();
        assertEquals(List.of("/run/secrets/token"), List.copyOf(files.keySet()));
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), files.get("/run/secrets/token"));
        files.get("/run/secrets/token")[0] = 'Y';
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), g.secretFiles().get("/run/secrets/token"));
        assertNotSame(g.secretFiles().get("/run/secrets/token"), g.secretFiles().get("/run/secrets/token"));
        assertEquals(List.of("token"), g.secretNames());
    }

    @Test
    void noPublicAccessorNorToStringRevealsASecretValue() throws Exception {
        Grants g = grantsWithSecret(SECRET.getBytes(StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (Method method : Grants.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                    || method.getDeclaringClass() == Object.class && !method.getName().equals("toString")) {
                continue;
            }
            Object result = method.invoke(g);
            assertFalse(reveals(result), () -> "Grants." + method.getName() + "() reveals the secret: " + result);
            seen.add(method.getName());
        }
        assertTrue(seen.containsAll(List.of("secretNames", "toString", "mounts", "env")), seen.toString());
        assertTrue(g.toString().contains("token"), g.toString());
    }

    @Test
    void theScanFindsAValueInEveryShapeAnAccessorCouldReturnIt() {
        byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);
        assertTrue(reveals(bytes));
        assertTrue(reveals(Map.of("/run/secrets/token", bytes.clone())));
        assertTrue(reveals(List.of(Optional.of("prefix " + SECRET))));
        assertTrue(reveals(new Object() {
            @Override
            public String toString() {
                return "Holder[" + SECRET + "]";
            }
        }));
        assertFalse(reveals(Map.of("token", "/run/secrets/token")));
    }

    /**
     * What a running server hands out is a report: same decisions, no secret values, and it cannot be wired into a
     * sandbox for another guest (which could then read the secret at its guest path).
     */
    @Test
    void theReportKeepsTheDecisionsDropsTheValuesAndBuildsNoSandbox() {
        Grants g = grantsWithSecret(SECRET.getBytes(StandardCharsets.UTF_8));
        Grants report = g.withoutSecretValues();
        assertEquals(g.secretNames(), report.secretNames());
        assertEquals(g.limits(), report.limits());
        assertEquals(List.of("/run/secrets/token"), List.copyOf(report.secretFiles().keySet()));
        assertEquals(0, report.secretFiles().get("/run/secrets/token").length);
        assertSame(report, report.withoutSecretValues());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sandbox.builder(report));
        assertTrue(e.getMessage().contains("'vault'") && e.getMessage().contains("report"), e.getMessage());
        try (Sandbox sandbox = Sandbox.builder(g).build()) { // the grants themselves still build one
            assertFalse(sandbox.hostFunctions().isEmpty());
        }
    }

    /** Whether {@code value}, or anything in it (collections, maps, optionals, arrays), shows the secret. */
    private static boolean reveals(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1).contains(SECRET);
        }
        if (value instanceof Object[] a) {
            return Arrays.stream(a).anyMatch(GrantsSecretsTest::reveals);
        }
        if (value instanceof Optional<?> o) {
            return reveals(o.orElse(null));
        }
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().anyMatch(e -> reveals(e.getKey()) || reveals(e.getValue()));
        }
        if (value instanceof Collection<?> c) {
            return c.stream().anyMatch(GrantsSecretsTest::reveals);
        }
        return value.toString().contains(SECRET);
    }
}
