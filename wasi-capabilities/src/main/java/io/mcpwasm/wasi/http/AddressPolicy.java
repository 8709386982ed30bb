package io.mcpwasm.wasi.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Decides whether the host may connect to an address. Public unicast addresses pass; every address of a
 * special range is refused unless the host policy allowed that exact address. IPv6 forms that embed an IPv4
 * address (mapped, compatible, 6to4, NAT64, Teredo) are judged by the embedded address too.
 */
final class AddressPolicy {

    private final Set<InetAddress> allowedExact;

    AddressPolicy(Set<InetAddress> allowedExact) {
        this.allowedExact = Set.copyOf(allowedExact);
    }

    /** Null when the address may be used, else the name of the range that refuses it. */
    String refusal(InetAddress address) {
        if (allowedExact.contains(address)) {
            return null;
        }
        return specialRange(address);
    }

    /** The name of the special range {@code address} lies in, or null for a public unicast address. */
    static String specialRange(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return v4Range(b);
        }
        if (address instanceof Inet6Address) {
            return v6Range(b);
        }
        return "unknown address family";
    }

    private static String v4Range(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
            return "cloud metadata";
        }
        if (a0 == 0) {
            return a1 == 0 && a2 == 0 && a3 == 0 ? "unspecified" : "this-network (0/8)";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared address space (100.64/10)";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return "IETF protocol assignments (192.0.0/24)";
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "documentation";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking (198.18/15)";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (a0 >= 240) {
            return a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255 ? "broadcast" : "reserved (240/4)";
        }
        return null;
    }

    private static String v6Range(byte[] b) {
        if (isZero(b, 0, 16)) {
            return "unspecified";
        }
        if (isZero(b, 0, 15) && b[15] == 1) {
            return "loopback";
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        // fd00:ec2::254, the AWS metadata service over IPv6 (also inside fc00::/7, named for the audit line).
        if (b0 == 0xfd && b1 == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2 && isZero(b, 4, 14)
                && b[14] == 0x02 && b[15] == 0x54) {
            return "cloud metadata";
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "private (unique local fc00::/7)";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "link-local";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
            return "site-local (deprecated fec0::/10)";
        }
        if (b0 == 0xff) {
            return "multicast";
        }
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded("IPv4-mapped", b, 12);
        }
        if (isZero(b, 0, 12)) {
            return embedded("IPv4-compatible", b, 12);
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return isZero(b, 4, 8) ? embedded("NAT64", b, 12) : "local-use NAT64 (64:ff9b:1::/48)";
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return embedded("6to4", b, 2);
        }
        if (b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0) {
            return "Teredo (2001::/32)";
        }
        if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "documentation";
        }
        if (b0 == 0x01 && b1 == 0 && isZero(b, 2, 8)) {
            return "discard-only (100::/64)";
        }
        return null;
    }

    private static String embedded(String kind, byte[] b, int at) {
        byte[] v4 = {b[at], b[at + 1], b[at + 2], b[at + 3]};
        String inner;
        try {
            inner = v4Range(InetAddress.getByAddress(v4).getAddress());
        } catch (UnknownHostException e) {
            inner = "invalid";
        }
        // Embedding forms are only legitimate for public IPv4 destinations, and we never need them: refuse.
        return kind + (inner == null ? " (embeds an IPv4 address)" : " of " + inner);
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
