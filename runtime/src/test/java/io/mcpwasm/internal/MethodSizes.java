package io.mcpwasm.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import run.endive.compiler.Cache;
import run.endive.compiler.InterpreterFallback;
import run.endive.compiler.MachineFactoryCompiler;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/**
 * The size in bytes of bytecode of every method Endive's compiler makes of a module's functions ({@code func_N}),
 * read from the class files it would cache.
 */
final class MethodSizes {
    private MethodSizes() {}

    /** {@code func_<index>} → bytes of bytecode (the largest, should a name appear in more than one class). */
    static Map<Integer, Integer> of(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        AtomicReference<byte[]> jar = new AtomicReference<>();
        MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.SILENT)
                .withCache(new Cache() {
                    @Override
                    public byte[] get(String key) {
                        return null;
                    }

                    @Override
                    public void putIfAbsent(String key, byte[] data) {
                        jar.set(data);
                    }
                }).compile();
        Map<Integer, Integer> sizes = new TreeMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar.get()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class")) {
                    methods(zip.readAllBytes(), sizes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sizes;
    }

    private static void methods(byte[] classFile, Map<Integer, Integer> sizes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.skipBytes(8);
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                default -> throw new IOException("constant tag " + tag);
            }
        }
        in.skipBytes(6);
        in.skipBytes(2 * in.readUnsignedShort());
        members(in, utf8, null);
        members(in, utf8, sizes);
    }

    private static void members(DataInputStream in, String[] utf8, Map<Integer, Integer> sizes) throws IOException {
        int count = in.readUnsignedShort();
        for (int m = 0; m < count; m++) {
            in.skipBytes(2);
            String name = utf8[in.readUnsignedShort()];
            in.skipBytes(2);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (sizes != null && "Code".equals(attribute) && name.startsWith("func_")) {
                    in.skipBytes(4);
                    int code = in.readInt();
                    in.skipBytes(length - 8);
                    String digits = name.substring(5).replaceAll("\\D.*", "");
                    sizes.merge(Integer.parseInt(digits), code, Math::max);
                } else {
                    in.skipBytes(length);
                }
            }
        }
    }
}
