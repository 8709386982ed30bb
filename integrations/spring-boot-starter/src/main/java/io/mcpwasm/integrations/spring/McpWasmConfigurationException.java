package io.mcpwasm.integrations.spring;

/**
 * The {@code mcpwasm.*} configuration cannot be used: a server's module is missing, a capability its manifest
 * requires is not granted, a value is malformed. The message names the property to set or fix.
 */
public class McpWasmConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String property;

    /**
     * @param property the property to set or fix, e.g. {@code mcpwasm.servers.docs.mounts}
     * @param message what is wrong and what to do
     * @param cause the underlying error, or null
     */
    public McpWasmConfigurationException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** The property to set or fix. */
    public String getProperty() {
        return property;
    }
}
