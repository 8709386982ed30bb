package io.mcpwasm;

import java.util.Locale;

/**
 * The MCP log levels (RFC 5424 severities, least severe first), as used by {@link McpServer#setLogLevel}: the
 * server sends log messages at this level and above.
 */
public enum LogLevel {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    /** @return the name on the wire, e.g. {@code "warning"} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
