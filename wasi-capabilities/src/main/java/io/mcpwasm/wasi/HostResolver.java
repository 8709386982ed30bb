package io.mcpwasm.wasi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a host name into the addresses the host will check and then connect to. The guest never resolves
 * names itself: every address that comes back is checked against the address policy, and the connection goes
 * to a checked address, so a second lookup cannot swap in another one.
 *
 * <p>Called for names only (IP literals in URLs are not passed here), on a daemon DNS thread so that the
 * request's deadline bounds the lookup: a lookup still running at the deadline is abandoned (interrupted) and the
 * request fails with {@code TIMEOUT}. Must be thread-safe. Tests inject a fixed map; the default is
 * {@link #SYSTEM}.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * The addresses of {@code host} (an ASCII DNS name, lower case, no trailing dot), at least one.
     *
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver, {@link InetAddress#getAllByName(String)}. */
    HostResolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));
}
