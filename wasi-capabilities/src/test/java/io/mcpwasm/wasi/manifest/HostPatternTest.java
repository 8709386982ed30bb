package io.mcpwasm.wasi.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpwasm.wasi.HostPattern;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPatternTest {

    @Test
    void exactHostWithDefaultPort() {
        HostPattern p = HostPattern.parse("https://api.example.com");
        assertEquals(443, p.port());
        assertTrue(p.matches("https", "api.example.com", 443));
        assertTrue(p.matches("HTTPS", "API.Example.com.", -1));
        assertFalse(p.matches("http", "api.example.com", 443));
        assertFalse(p.matches("https", "api.example.com", 8443));
        assertFalse(p.matches("https", "x.api.example.com", 443));
        assertFalse(p.matches("https", "api.example.com.evil.test", 443));
        assertEquals(p, HostPattern.parse("https://api.example.com:443"));
        assertEquals("https://api.example.com", HostPattern.parse("https://api.example.com:443").toString());
    }

    @Test
    void wildcardCoversSubdomainsButNotTheDomain() {
        HostPattern p = HostPattern.parse("https://*.example.com:8443");
        assertTrue(p.wildcard());
        assertEquals("example.com", p.host());
        assertTrue(p.matches("https", "a.example.com", 8443));
        assertTrue(p.matches("https", "a.b.example.com", 8443));
        assertFalse(p.matches("https", "example.com", 8443));
        assertFalse(p.matches("https", "badexample.com", 8443));
        assertFalse(p.matches("https", "a.example.com", 443));
        assertEquals("https://*.example.com:8443", p.toString());
    }

    @Test
    void localhostAndAddresses() {
        assertTrue(HostPattern.parse("http://localhost:8080").matches("http", "localhost", 8080));
        assertTrue(HostPattern.parse("http://127.0.0.1").matches("http", "127.0.0.1", 80));
        HostPattern v6 = HostPattern.parse("http://[::1]:9000");
        assertTrue(v6.matches("http", "::1", 9000));
        assertTrue(v6.matches("http", "[::1]", 9000));
    }

    @Test
    void intersectionIsTheNarrowerPattern() {
        HostPattern wide = HostPattern.parse("https://*.example.com");
        HostPattern sub = HostPattern.parse("https://*.api.example.com");
        HostPattern exact = HostPattern.parse("https://api.example.com");
        assertEquals(Optional.of(exact), wide.intersect(exact));
        assertEquals(Optional.of(exact), exact.intersect(wide));
        assertEquals(Optional.of(sub), wide.intersect(sub));
        assertEquals(Optional.empty(), sub.intersect(exact), "*.api.example.com does not match api.example.com");
        assertEquals(Optional.empty(), exact.intersect(HostPattern.parse("https://api.example.com:8443")));
        assertEquals(Optional.empty(), exact.intersect(HostPattern.parse("http://api.example.com:443")));
        assertTrue(exact.isCoveredBy(wide));
        assertFalse(wide.isCoveredBy(exact));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.example.com", "ftp://a.com", "https://", "https://a.com/", "https://a.com/x",
            "https://user@a.com", "https://a.com:", "https://a.com:0", "https://a.com:65536", "https://a.com:080",
            "https://*.com", "https://*", "https://a.*.com", "https://-a.com", "https://a-.com", "https://A.com",
            "https://a..com", "https://*.1.2.3", "https://1.2.3.256", "https://1.2.3", "https://a.com?x",
            "HTTPS://a.com", "https://[::1", "https://[zz::1]", "https://[1::2::3]"})
    void rejects(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPattern.parse(pattern));
        assertTrue(e.getMessage().startsWith("host pattern '" + pattern + "': "), e.getMessage());
    }
}
