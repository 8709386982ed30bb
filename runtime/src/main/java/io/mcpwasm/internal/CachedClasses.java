package io.mcpwasm.internal;

import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import java.util.zip.Deflater;

/**
 * The compiled classes of one module, read from a compile-cache entry and defined (and verified) in a class loader
 * of their own, before the module they belong to is known.
 *
 * <p>Why not Chicory's own cache path: it needs the parsed {@link WasmModule} before it reads the classes, so a
 * load from the cache did parse, then define, one after the other. Defining and verifying the classes is a third of
 * a cold load (the Go sample: 14 MB of bytecode), and needs nothing from the parse; with this class the runtime does
 * both at once on two threads. The entry format is the one Chicory's compiler writes through its cache: a jar with
 * the classes and a {@code wasm-module.properties} whose {@code mainClass} is the {@link Machine}.
 */
public final class CachedClasses {
    private static final String PROPERTIES = "wasm-module.properties";

    private final MethodHandle constructor; // (Instance) -> Machine

    private CachedClasses(MethodHandle constructor) {
        this.constructor = constructor;
    }

    /**
     * Defines every class of a cache entry and initialises it (which runs the JVM's verifier now rather than in the
     * middle of the guest's first call).
     *
     * @throws WasmEngineException if the entry is not a readable jar of classes with a main class
     * @throws LinkageError if the JVM refuses a class
     */
    public static CachedClasses define(byte[] jar) {
        Map<String, byte[]> classes = new HashMap<>();
        String mainClass = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.equals(PROPERTIES)) {
                    Properties p = new Properties();
                    p.load(in);
                    mainClass = p.getProperty("mainClass");
                } else if (name.endsWith(".class")) {
                    classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compiled classes: unreadable cache entry", e);
        }
        return define(classes, mainClass);
    }

    /**
     * Defines and initialises {@code classes} (binary or internal name → class file), as {@link #define(byte[])} does; the map is
     * not kept or changed.
     *
     * @throws WasmEngineException if {@code mainClass} is not one of them
     * @throws LinkageError if the JVM refuses a class
     */
    public static CachedClasses define(Map<String, byte[]> classes, String mainClass) {
        Map<String, byte[]> byName = new HashMap<>();
        classes.forEach((name, bytes) -> byName.put(name.replace('/', '.'), bytes));
        if (mainClass == null || !byName.containsKey(mainClass)) {
            throw new WasmEngineException("compiled classes: the cache entry names no main class it contains");
        }
        Loader loader = new Loader(new HashMap<>(byName));
        try {
            for (String name : byName.keySet()) {
                Class.forName(name, true, loader);
            }
            Class<? extends Machine> main = Class.forName(mainClass, true, loader).asSubclass(Machine.class);
            MethodHandle ctor = MethodHandles.publicLookup()
                    .findConstructor(main, MethodType.methodType(void.class, Instance.class))
                    .asType(MethodType.methodType(Machine.class, Instance.class));
            return new CachedClasses(ctor);
        } catch (ReflectiveOperationException e) {
            throw new WasmEngineException("compiled classes: cannot use the main class " + mainClass, e);
        }
    }

    /**
     * A cache entry holding {@code classes}, in the format {@link #define(byte[])} reads (and Endive's compiler
     * writes). Deflated at the fastest level: the entry is written once per compile, on the compiling thread, and the
     * default level costs several times the CPU for a file a fifth larger.
     */
    public static byte[] jar(Map<String, byte[]> classes, String mainClass) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 20);
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.setLevel(Deflater.BEST_SPEED);
            out.putNextEntry(new ZipEntry(PROPERTIES));
            Properties p = new Properties();
            p.setProperty("mainClass", mainClass);
            p.store(out, null);
            out.closeEntry();
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new ZipEntry(c.getKey().replace('.', '/') + ".class"));
                out.write(c.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compiled classes: cannot write a cache entry", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A machine factory that serves instances of exactly {@code module} (the classes were compiled for its code;
     * an instance of any other module object is refused, as Chicory's own factories do).
     */
    public Function<Instance, Machine> factoryFor(WasmModule module) {
        return instance -> {
            if (instance.module() != module) {
                throw new WasmEngineException("Instance module does not match factory module");
            }
            try {
                return (Machine) constructor.invokeExact(instance);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new WasmEngineException(t);
            }
        };
    }

    /** Defines the entry's classes on demand; everything else comes from Chicory's class loader. */
    private static final class Loader extends ClassLoader {
        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super(MachineFactoryCompiler.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes;
            synchronized (classes) {
                bytes = classes.remove(name);
            }
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
