package io.mcpwasm.wasi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private static InetAddress literal(String s) throws UnknownHostException {
        // Only literals here: getByName does no lookup for them.
        return InetAddress.getByName(s);
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.1.2, loopback",
        "10.0.0.1, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.0.10, private",
        "169.254.1.1, link-local",
        "169.254.169.254, cloud metadata",
        "0.0.0.0, unspecified",
        "224.0.0.1, multicast",
        "255.255.255.255, broadcast",
        "100.64.0.1, shared address space (100.64/10)",
        "::1, loopback",
        "::, unspecified",
        "fc00::1, private (unique local fc00::/7)",
        "fd12:3456::1, private (unique local fc00::/7)",
        "fd00:ec2::254, cloud metadata",
        "fe80::1, link-local",
        "ff02::1, multicast",
        "::ffff:7f00:1, loopback",
        "64:ff9b::a00:1, NAT64 of private",
        "2002:a00:1::1, 6to4 of private",
    })
    void specialRangesAreRefused(String address, String range) throws UnknownHostException {
        assertEquals(range, new AddressPolicy(Set.of()).refusal(literal(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "2606:4700::1111",
        "1.1.1.1"})
    void publicAddressesPass(String address) throws UnknownHostException {
        assertNull(new AddressPolicy(Set.of()).refusal(literal(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.1.2.3"})
    void onlyTheExactAllowedAddressPasses(String address) throws UnknownHostException {
        AddressPolicy p = new AddressPolicy(Set.of(literal(address)));
        assertNull(p.refusal(literal(address)));
        assertNotNull(p.refusal(literal(address.equals("10.1.2.3") ? "10.1.2.4" : "127.0.0.2")));
    }
}
