package io.mcpwasm.integrations.spring;

import io.mcpwasm.McpRuntime;
import io.mcpwasm.integrations.mcpsdk.WasmMcpTransport;
import io.mcpwasm.wasi.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.mcp.client.common.autoconfigure.NamedClientMcpTransport;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of mcpwasm for Spring Boot and Spring AI: one {@link McpRuntime}, the servers of
 * {@code mcpwasm.servers.*} ({@link McpWasmServers}), their tools as a Spring AI {@link ToolCallbackProvider}, and,
 * when Spring AI's MCP client starter and {@code mcpwasm-mcp-java-sdk} are on the class path, one MCP client
 * connection per server for Spring AI's own MCP tool wiring. Every bean is closed with the context.
 *
 * <p>The runtime's audit events are logged on {@code io.mcpwasm.audit} and published as application events
 * ({@link AuditEvent}); the servers' MCP log messages go to the loggers {@code mcpwasm.server.<name>}.
 */
@AutoConfiguration
@EnableConfigurationProperties(McpWasmProperties.class)
@ConditionalOnBooleanProperty(name = "mcpwasm.enabled", matchIfMissing = true)
public class McpWasmAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(McpWasmAutoConfiguration.class);

    /** The runtime: compile cache per {@code mcpwasm.cache-dir} / {@code mcpwasm.compile-cache}. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public McpRuntime mcpWasmRuntime(McpWasmProperties properties, ApplicationEventPublisher events) {
        McpRuntime.Builder b = McpRuntime.builder().auditListener((AuditEvent event) -> {
            try {
                events.publishEvent(event);
            } catch (RuntimeException e) { // e.g. the context is closing
                LOG.debug("audit event not published: {}", e.toString());
            }
        });
        if (!properties.isCompileCache()) {
            b.noCompileCache();
        } else if (properties.getCacheDir() != null) {
            b.compileCache(properties.getCacheDir());
        }
        return b.build();
    }

    /** The configured servers, started now; closed with the context (before the runtime). */
    @Bean(destroyMethod = "close")
    public McpWasmServers mcpWasmServers(McpRuntime runtime, McpWasmProperties properties, ResourceLoader resources,
                                         ObjectProvider<SecretResolver> secretResolvers) {
        return McpWasmServers.start(runtime, properties, resources,
                secretResolvers.orderedStream().collect(Collectors.toList()));
    }

    /** Every tool of every configured server, for {@code ChatClient.Builder.defaultToolCallbacks(...)}. */
    @Bean
    public ToolCallbackProvider mcpWasmToolCallbacks(McpWasmServers servers, ApplicationEventPublisher events) {
        return new McpWasmToolCallbacks(servers, events);
    }

    /**
     * One MCP client transport per server (a second instance of it, same policy) for Spring AI's MCP client
     * starter, which makes an {@code McpSyncClient} of each and offers their tools through its own tool callbacks.
     * Off with {@code mcpwasm.mcp-client.enabled=false}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({NamedClientMcpTransport.class, WasmMcpTransport.class})
    @ConditionalOnBooleanProperty(name = "mcpwasm.mcp-client.enabled", matchIfMissing = true)
    static class McpClientTransports {
        @Bean
        List<NamedClientMcpTransport> mcpWasmClientTransports(McpWasmServers servers) {
            List<NamedClientMcpTransport> transports = new ArrayList<>();
            for (McpWasmServers.Running r : servers.running().values()) {
                transports.add(new NamedClientMcpTransport(r.name(), WasmMcpTransport.start(r.module(), r.policy())));
            }
            return transports;
        }
    }
}
