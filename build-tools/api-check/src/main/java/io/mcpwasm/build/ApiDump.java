package io.mcpwasm.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one library module as text, one line per type and per member, sorted, in the spirit of
 * Kotlin's binary-compatibility-validator and OkHttp's {@code api/okhttp.api}: a committed copy makes every change
 * of the public surface a reviewed diff.
 *
 * <p>What counts: the packages the module's {@code module-info} exports to everyone (without a module-info, every
 * package whose name has no {@code internal} segment); in them, every public type that is reachable (nested types
 * only when every enclosing type is public or protected) and its public and protected constructors, methods and
 * fields, with generic signatures, modifiers and thrown exceptions. Compiler-made members (bridges, synthetic) are
 * left out; a record's or enum's implicit members are listed like any other, since callers see them.
 *
 * <p>Reads the compiled classes through the caller's class loader (without initialising them).
 */
public final class ApiDump {
    /** The system property that rewrites the committed dump instead of comparing with it. */
    public static final String UPDATE_PROPERTY = "mcpwasm.api.update";

    private ApiDump() {}

    /**
     * Compares the API of the classes in {@code classesDir} with the dump at {@code dumpFile}; with
     * {@code -Dmcpwasm.api.update=true} writes the dump instead.
     *
     * @param classesDir the module's compiled classes ({@code target/classes})
     * @param dumpFile the committed dump ({@code api/<module>.api})
     * @param loader loads the module's classes
     * @throws AssertionError when the API differs from the dump, with the diff and the command that regenerates it
     */
    public static void check(Path classesDir, Path dumpFile, ClassLoader loader) {
        String actual = dump(classesDir, loader);
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(dumpFile, actual);
            return;
        }
        String expected;
        try {
            expected = Files.exists(dumpFile) ? Files.readString(dumpFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!expected.equals(actual)) {
            throw new AssertionError("The public API differs from " + dumpFile + " (- committed, + built):\n"
                    + diff(lines(expected), lines(actual))
                    + "If the change is intended, regenerate the dumps and commit them with it:\n"
                    + "  mvn -B verify -Dtest=ApiDumpTest -Dsurefire.failIfNoSpecifiedTests=false -D"
                    + UPDATE_PROPERTY + "=true\n");
        }
    }

    /** The API of the classes in {@code classesDir} as text (see the class comment). */
    public static String dump(Path classesDir, ClassLoader loader) {
        Set<String> exported = exportedPackages(classesDir);
        List<String> out = new ArrayList<>();
        for (String className : classNames(classesDir)) {
            int dot = className.lastIndexOf('.');
            if (dot < 0 || !exported.contains(className.substring(0, dot))) {
                continue;
            }
            Class<?> c;
            try {
                c = Class.forName(className, false, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load " + className, e);
            }
            if (visible(c)) {
                out.add(describe(c));
            }
        }
        return String.join("", out);
    }

    private static Set<String> exportedPackages(Path classesDir) {
        Set<String> packages = new TreeSet<>();
        if (Files.exists(classesDir.resolve("module-info.class"))) {
            ModuleDescriptor d = ModuleFinder.of(classesDir).findAll().stream().findFirst()
                    .map(ModuleReference::descriptor).orElseThrow();
            d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> packages.add(e.source()));
        } else {
            for (String c : classNames(classesDir)) {
                int dot = c.lastIndexOf('.');
                String p = dot < 0 ? "" : c.substring(0, dot);
                if (!Arrays.asList(p.split("\\.")).contains("internal")) {
                    packages.add(p);
                }
            }
        }
        return packages;
    }

    private static List<String> classNames(Path classesDir) {
        try (Stream<Path> files = Files.walk(classesDir)) {
            return files.map(p -> classesDir.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")
                            && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - 6).replace('/', '.'))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A public type whose enclosing types are all public or protected (anonymous and local classes are not). */
    private static boolean visible(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            int m = t.getModifiers();
            if (!(Modifier.isPublic(m) || t != c && Modifier.isProtected(m)
                    || t == c && t.getDeclaringClass() != null && Modifier.isProtected(m))) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Class<?> c) {
        StringBuilder b = new StringBuilder(c.toGenericString());
        Type sup = c.getGenericSuperclass();
        if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
            b.append(" extends ").append(sup.getTypeName());
        }
        Type[] interfaces = c.getGenericInterfaces();
        if (interfaces.length > 0) {
            b.append(c.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        b.append(" {\n");
        Set<String> members = new TreeSet<>();
        for (Field f : c.getDeclaredFields()) {
            if (exposed(f)) {
                members.add(f.toGenericString());
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (exposed(k) && !(c.isEnum())) {
                members.add(k.toGenericString());
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (exposed(m) && !m.isBridge()) {
                members.add(m.toGenericString());
            }
        }
        members.forEach(m -> b.append("  ").append(m).append('\n'));
        return b.append("}\n\n").toString();
    }

    private static boolean exposed(Member m) {
        int mod = m.getModifiers();
        boolean synthetic = m.isSynthetic() || m instanceof Executable e && e.isSynthetic();
        return !synthetic && (Modifier.isPublic(mod) || Modifier.isProtected(mod)
                && !Modifier.isFinal(m.getDeclaringClass().getModifiers()));
    }

    private static void write(Path dumpFile, String text) {
        try {
            Files.createDirectories(Optional.ofNullable(dumpFile.toAbsolutePath().getParent()).orElseThrow());
            Files.writeString(dumpFile, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1));
    }

    /** A line diff (longest common subsequence) showing only the changed lines, each with its type's line. */
    static String diff(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = expected.get(i).equals(actual.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder b = new StringBuilder();
        String type = null;
        String shownType = null;
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            String line;
            char mark;
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                line = expected.get(i++);
                j++;
                mark = ' ';
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                line = expected.get(i++);
                mark = '-';
            } else {
                line = actual.get(j++);
                mark = '+';
            }
            if (!line.startsWith(" ") && line.endsWith("{")) {
                type = line;
            }
            if (mark != ' ') {
                if (type != null && !type.equals(shownType) && !line.equals(type)) {
                    b.append("  @ ").append(type).append('\n');
                }
                shownType = type;
                b.append(mark).append(' ').append(line).append('\n');
            }
        }
        return b.toString();
    }
}
