package io.mcpwasm.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The passes' output for the committed sample modules is exactly what it was when the digests in
 * {@code pass-digests.txt} were recorded: the reshaper's, and the outliner's under its version-2 limits (runs inside
 * loops only). A refactoring of the passes must leave these bytes unchanged. A sample rebuilt since (its own digest
 * differs) is not compared.
 */
class PassOutputDigestsTest {
    private static final Path SAMPLES = Path.of("../samples");

    private record Entry(String sample, String original, String reshaped, String outlined) {}

    @Test
    void everySampleIsRewrittenToTheRecordedBytes() throws IOException {
        List<String> rebuilt = new ArrayList<>();
        int outlinedSamples = 0;
        for (Entry e : recorded()) {
            Path wasm = SAMPLES.resolve(e.sample());
            assertTrue(Files.isRegularFile(wasm), e.sample());
            byte[] original = Files.readAllBytes(wasm);
            byte[] reshaped = CodeReshaper.reshape(original);
            byte[] outlined = FunctionOutliner.outline(reshaped, FunctionOutliner.Limits.LOOPS);
            if (!sha256(original).equals(e.original())) {
                // A sample rebuilt on purpose: its new line, to be reviewed and recorded.
                rebuilt.add(String.join(" ", e.sample(), sha256(original), sha256(reshaped), sha256(outlined)));
                continue;
            }
            assertEquals(e.reshaped(), sha256(reshaped), e.sample() + ": the reshaper's output");
            assertEquals(e.outlined(), sha256(outlined), e.sample() + ": the outliner's output");
            outlinedSamples += outlined != reshaped ? 1 : 0;
        }
        assertTrue(rebuilt.isEmpty(), "samples changed since pass-digests.txt was recorded; if they were rebuilt on "
                + "purpose, record these lines (made by the passes as they are now):\n" + String.join("\n", rebuilt));
        assertTrue(outlinedSamples > 0, "no sample was outlined");
    }

    private static List<Entry> recorded() throws IOException {
        List<Entry> all = new ArrayList<>();
        try (InputStream in = PassOutputDigestsTest.class.getResourceAsStream("pass-digests.txt")) {
            assertNotNull(in, "pass-digests.txt");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.trim().split(" +");
                    all.add(new Entry(f[0], f[1], f[2], f[3]));
                }
            }
        }
        assertFalse(all.isEmpty(), "pass-digests.txt lists no sample");
        return all;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
