package io.mcpwasm.internal.protocol;

import io.mcpwasm.Prompt;
import io.mcpwasm.Resource;
import io.mcpwasm.ResourceTemplate;
import io.mcpwasm.ServerListener;
import io.mcpwasm.Tool;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The server's paged lists (tools, resources, resource templates, prompts), each cached until it changes. */
final class ServerLists {
    private final ListCache<Tool> tools;
    private final ListCache<Resource> resources;
    private final ListCache<ResourceTemplate> templates;
    private final ListCache<Prompt> prompts;

    /**
     * @param ready whether the session is set up
     * @param listeners told each refreshed list (live: listeners added later are told too)
     */
    ServerLists(JsonRpcChannel channel, Duration timeout, BooleanSupplier ready, List<ServerListener> listeners) {
        this.tools = new ListCache<>(channel, timeout, ready, "tools/list", "tools", Codec::tool,
                list -> listeners.forEach(l -> l.toolsChanged(list)));
        this.resources = new ListCache<>(channel, timeout, ready, "resources/list", "resources", Codec::resource,
                list -> listeners.forEach(l -> l.resourcesChanged(list)));
        this.templates = new ListCache<>(channel, timeout, ready, "resources/templates/list", "resourceTemplates",
                Codec::resourceTemplate, list -> { });
        this.prompts = new ListCache<>(channel, timeout, ready, "prompts/list", "prompts", Codec::prompt,
                list -> listeners.forEach(l -> l.promptsChanged(list)));
    }

    List<Tool> tools() {
        return tools.get();
    }

    List<Resource> resources() {
        return resources.get();
    }

    List<ResourceTemplate> resourceTemplates() {
        return templates.get();
    }

    List<Prompt> prompts() {
        return prompts.get();
    }

    void toolsChanged() {
        tools.refresh();
    }

    void promptsChanged() {
        prompts.refresh();
    }

    /** Resources changed: the templates are fetched again when next asked for, the resources now. */
    void resourcesChanged() {
        templates.invalidate();
        resources.refresh();
    }
}
