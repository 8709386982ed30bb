package io.mcpwasm.wasi.internal.manifest;

import io.mcpwasm.wasi.ManifestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and rewrites the section headers of a WebAssembly binary module: the 8-byte preamble
 * ({@code \0asm}, version 1), then sections of one id byte, a LEB128 u32 size and that many bytes. Custom
 * sections (id 0) start with a LEB128-length-prefixed UTF-8 name. Section contents other than custom
 * sections' names are not interpreted. Every structural error names the byte offset.
 */
public final class WasmSections {

    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
    private static final byte[] VERSION = {0x01, 0x00, 0x00, 0x00};
    private static final int PREAMBLE = 8;
    private static final int CUSTOM = 0;

    /**
     * One section of a module.
     *
     * @param id          the section id (0 for custom sections)
     * @param start       offset of the id byte
     * @param end         offset just past the section's content
     * @param name        a custom section's name; null for other sections
     * @param payloadFrom offset of a custom section's payload (after its name), or of the content otherwise
     */
    public record Section(int id, int start, int end, String name, int payloadFrom) {
    }

    private WasmSections() {
    }

    /**
     * Lists the sections of {@code wasm} in order.
     *
     * @throws ManifestException if the bytes are not a well-formed module at the section level
     */
    public static List<Section> sections(byte[] wasm) {
        if (wasm == null) {
            throw new IllegalArgumentException("wasm must not be null");
        }
        if (wasm.length < PREAMBLE) {
            throw malformed("module is " + wasm.length + " bytes, shorter than the 8-byte header");
        }
        for (int i = 0; i < 4; i++) {
            if (wasm[i] != MAGIC[i]) {
                throw malformed("missing the \\0asm magic number at offset 0");
            }
        }
        for (int i = 0; i < 4; i++) {
            if (wasm[4 + i] != VERSION[i]) {
                throw malformed("unsupported binary version at offset 4 (only version 1 is read)");
            }
        }
        List<Section> out = new ArrayList<>();
        int pos = PREAMBLE;
        while (pos < wasm.length) {
            int start = pos;
            int id = wasm[pos] & 0xff;
            pos++;
            long[] size = readU32(wasm, pos, "size of section " + id + " at offset " + start);
            pos = (int) size[1];
            long end = pos + size[0];
            if (end > wasm.length) {
                throw malformed("section " + id + " at offset " + start + " declares " + size[0]
                        + " bytes but only " + (wasm.length - pos) + " remain");
            }
            String name = null;
            int payloadFrom = pos;
            if (id == CUSTOM) {
                long[] nameLen = readU32(wasm, pos, "name length of custom section at offset " + start);
                int nameFrom = (int) nameLen[1];
                if (nameFrom > end || nameLen[0] > end - nameFrom) {
                    throw malformed("custom section at offset " + start + " has a name longer than the section");
                }
                name = utf8(wasm, nameFrom, (int) nameLen[0], "name of custom section at offset " + start);
                payloadFrom = nameFrom + (int) nameLen[0];
            }
            out.add(new Section(id, start, (int) end, name, payloadFrom));
            pos = (int) end;
        }
        return List.copyOf(out);
    }

    /**
     * Returns the payloads of every custom section called {@code name}, in order.
     *
     * @throws ManifestException if the module is malformed
     */
    public static List<byte[]> customSections(byte[] wasm, String name) {
        List<byte[]> out = new ArrayList<>();
        for (Section s : sections(wasm)) {
            if (s.id() == CUSTOM && name.equals(s.name())) {
                byte[] payload = new byte[s.end() - s.payloadFrom()];
                System.arraycopy(wasm, s.payloadFrom(), payload, 0, payload.length);
                out.add(payload);
            }
        }
        return out;
    }

    /**
     * Returns a copy of {@code wasm} whose custom sections called {@code name} are replaced by one holding
     * {@code payload}: at the place of the first such section, or appended at the end when there is none. Every
     * other byte is kept as it was, so the same inputs always give the same output.
     *
     * @throws ManifestException if the module is malformed
     */
    public static byte[] withCustomSection(byte[] wasm, String name, byte[] payload) {
        List<Section> sections = sections(wasm);
        byte[] section = customSection(name, payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length + section.length);
        out.write(wasm, 0, PREAMBLE);
        boolean written = false;
        for (Section s : sections) {
            if (s.id() == CUSTOM && name.equals(s.name())) {
                if (!written) {
                    out.write(section, 0, section.length);
                    written = true;
                }
            } else {
                out.write(wasm, s.start(), s.end() - s.start());
            }
        }
        if (!written) {
            out.write(section, 0, section.length);
        }
        return out.toByteArray();
    }

    /** Encodes one custom section: id 0, size, name length, name, payload. */
    static byte[] customSection(String name, byte[] payload) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] nameLen = leb128(nameBytes.length);
        long contentSize = (long) nameLen.length + nameBytes.length + payload.length;
        if (contentSize > 0xffff_ffffL || contentSize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("custom section payload too large: " + payload.length + " bytes");
        }
        byte[] size = leb128(contentSize);
        ByteBuffer buf = ByteBuffer.allocate(1 + size.length + (int) contentSize);
        buf.put((byte) CUSTOM).put(size).put(nameLen).put(nameBytes).put(payload);
        return buf.array();
    }

    /** Unsigned LEB128 encoding of a u32, in the fewest bytes. */
    static byte[] leb128(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5);
        long v = value;
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return out.toByteArray();
    }

    /** Reads an unsigned LEB128 u32 at {@code pos}; returns {value, position after it}. */
    private static long[] readU32(byte[] wasm, int pos, String what) {
        long result = 0;
        int shift = 0;
        int p = pos;
        while (true) {
            if (p >= wasm.length) {
                throw malformed(what + ": LEB128 number runs past the end of the module");
            }
            int b = wasm[p] & 0xff;
            p++;
            if (shift == 28 && (b & 0x70) != 0) {
                throw malformed(what + ": LEB128 number does not fit in 32 bits");
            }
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return new long[] {result, p};
            }
            shift += 7;
            if (shift > 28) {
                throw malformed(what + ": LEB128 number longer than 5 bytes");
            }
        }
    }

    private static String utf8(byte[] wasm, int from, int len, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(wasm, from, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(what + " is not valid UTF-8");
        }
    }

    private static ManifestException malformed(String reason) {
        return new ManifestException(null, "malformed wasm module: " + reason);
    }
}
