package io.mcpwasm.wasi.corpus;

import static java.nio.charset.StandardCharsets.UTF_8;

import run.endive.runtime.Instance;
import run.endive.runtime.Machine;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import io.mcpwasm.wasi.AuditEvent;
import io.mcpwasm.wasi.internal.GuestExitException;
import io.mcpwasm.wasi.WasiHost;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/** Runs a committed guest (src/test/resources/guests) under {@link WasiHost} + Chicory and records what happened. */
final class GuestRun {

    /**
     * A parsed guest, optionally with a machine factory (e.g. {@code MachineFactoryCompiler.compile(module)},
     * which serves only this module object); null runs it on the interpreter.
     */
    record Guest(String name, WasmModule module, Function<Instance, Machine> machine) {

        static Guest interpreted(String resource) {
            return new Guest(resource, Parser.parse(load(resource)), null);
        }
    }

    /**
     * What a run produced.
     *
     * @param exitCode 0 when {@code _start} returned, the {@code proc_exit} code otherwise, -1 after a trap
     * @param trap     the exception that ended the guest other than a {@link GuestExitException}, or null
     */
    record Result(int exitCode, String stdout, String stderr, RuntimeException trap, List<AuditEvent> events) {

        List<AuditEvent> denied() {
            return events.stream().filter(e -> e.decision() == AuditEvent.Decision.DENIED).toList();
        }

        String describe() {
            return "exit=" + exitCode + (trap == null ? "" : " trap=" + trap) + "\nstdout:\n" + stdout
                    + "stderr:\n" + stderr + "audit:\n" + events;
        }
    }

    private GuestRun() {}

    static byte[] load(String resource) {
        try (InputStream in = GuestRun.class.getResourceAsStream("/guests/" + resource)) {
            if (in == null) throw new IllegalStateException("missing test resource /guests/" + resource);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a host from {@code grants} (plus captured stdout/stderr and audit), runs the guest's {@code _start}. */
    static Result run(Guest guest, String serverName, Consumer<WasiHost.Builder> grants) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        WasiHost.Builder b = WasiHost.builder(serverName)
                .stdout(out::write)
                .stderr(err::write)
                .auditListener(events::add);
        grants.accept(b);
        int exit = 0;
        RuntimeException trap = null;
        try (WasiHost host = b.build()) {
            Instance.Builder ib = Instance.builder(guest.module()).withImportValues(host.toImportValues());
            if (guest.machine() != null) ib.withMachineFactory(guest.machine());
            ib.build();
        } catch (GuestExitException e) {
            exit = e.exitCode();
        } catch (RuntimeException e) {
            exit = -1;
            trap = e;
        }
        return new Result(exit, out.toString(UTF_8), err.toString(UTF_8), trap, List.copyOf(events));
    }
}
