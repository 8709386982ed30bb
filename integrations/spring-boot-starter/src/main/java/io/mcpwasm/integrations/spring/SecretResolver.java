package io.mcpwasm.integrations.spring;

/**
 * Supplies the value of a secret a server's manifest declares and the {@code mcpwasm.servers.<name>.secrets}
 * properties do not set, e.g. from a vault. Declare one or more as beans; they are asked in order, and the first
 * value wins. Values are handed to the sandbox only, never logged.
 */
@FunctionalInterface
public interface SecretResolver {
    /**
     * @param server the server's configuration name ({@code <name>} in {@code mcpwasm.servers.<name>})
     * @param secret the secret's name in the manifest
     * @return the secret's bytes, or {@code null} when this resolver does not know it
     */
    byte[] resolve(String server, String secret);
}
