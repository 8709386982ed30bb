package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.HostResolver;
import io.mcpwasm.wasi.HostPattern;
import io.mcpwasm.wasi.internal.DaemonThreads;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one server's requests may go, checked for every hop before anything is sent: the destination must match a
 * granted host pattern ({@code DENIED_HOST}), its name is resolved by the {@link HostResolver} within the request's
 * deadline, and every resolved address must be an ordinary one or an allowed special address
 * ({@code DENIED_ADDRESS}). The caller connects only to the addresses returned.
 */
final class Destinations {
    private static final Logger LOG = LoggerFactory.getLogger(Destinations.class);
    private static final ExecutorService DNS = Executors.newCachedThreadPool(DaemonThreads.named("mcpwasm-dns-"));

    private final String server;
    private final List<HostPattern> hosts;
    private final AddressPolicy addresses;
    private final HostResolver resolver;

    Destinations(String server, List<HostPattern> hosts, Set<InetAddress> allowedAddresses, HostResolver resolver) {
        this.server = server;
        this.hosts = List.copyOf(hosts);
        this.addresses = new AddressPolicy(allowedAddresses);
        this.resolver = resolver;
    }

    /** The checked addresses of {@code t}, in the resolver's order, duplicates dropped. */
    List<InetAddress> check(Target t, Deadline deadline) throws HttpFailure {
        checkHost(t);
        return resolveAndCheck(t, deadline);
    }

    private void checkHost(Target t) throws HttpFailure {
        if (!matchesAny(hosts, t)) {
            throw new HttpFailure(HttpError.DENIED_HOST, t.scheme() + "://" + t.auditTarget()
                    + " is not among the granted network hosts (manifest network.hosts ∩ host policy)");
        }
    }

    private static boolean matchesAny(List<HostPattern> patterns, Target t) {
        for (HostPattern p : patterns) {
            if (p.matches(t.scheme(), t.host(), t.port())) {
                return true;
            }
        }
        return false;
    }

    private List<InetAddress> resolveAndCheck(Target t, Deadline deadline) throws HttpFailure {
        List<InetAddress> addrs;
        if (t.isIpLiteral()) {
            try {
                addrs = List.of(InetAddress.getByName(t.host()));
            } catch (UnknownHostException e) {
                throw new HttpFailure(HttpError.BAD_ARGUMENT, "malformed IP address");
            }
        } else {
            addrs = lookUp(t.host(), deadline);
            if (addrs == null || addrs.isEmpty()) {
                throw new HttpFailure(HttpError.NAME_NOT_RESOLVED, "name did not resolve");
            }
        }
        List<InetAddress> ok = new ArrayList<>(new LinkedHashSet<>(addrs));
        for (InetAddress addr : ok) {
            String why = addresses.refusal(addr);
            if (why != null) {
                throw new HttpFailure(HttpError.DENIED_ADDRESS, "resolves to " + addr.getHostAddress() + ", a "
                        + why + " address the policy does not allow");
            }
        }
        return ok;
    }

    /**
     * Runs the resolver on a DNS thread so that the request's deadline bounds the lookup too (the JVM's resolver
     * has no timeout of its own). A lookup still running at the deadline is abandoned.
     */
    private List<InetAddress> lookUp(String host, Deadline deadline) throws HttpFailure {
        Future<List<InetAddress>> f;
        try {
            f = DNS.submit(() -> resolver.resolve(host));
        } catch (RejectedExecutionException e) {
            throw new HttpFailure(HttpError.IO, "no DNS thread available");
        }
        try {
            return f.get(deadline.remainingMillis(Integer.MAX_VALUE), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpFailure(HttpError.TIMEOUT, "DNS lookup timed out");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new HttpFailure(HttpError.IO, "interrupted during the DNS lookup");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw new HttpFailure(HttpError.NAME_NOT_RESOLVED, "name did not resolve");
            }
            LOG.warn("server {}: resolver failed for a name", server, e.getCause());
            throw new HttpFailure(HttpError.IO, "resolver failed: " + e.getCause().getClass().getSimpleName());
        }
    }
}
