package io.mcpwasm;

import java.util.List;

/**
 * Told about changes a server announces. Every method has a no-op default; methods run on the session's event
 * executor and may call back into the server.
 */
public interface ServerListener {
    /** @param tools the refreshed tool list after {@code notifications/tools/list_changed} */
    default void toolsChanged(List<Tool> tools) {
    }

    /** @param resources the refreshed resource list after {@code notifications/resources/list_changed} */
    default void resourcesChanged(List<Resource> resources) {
    }

    /** @param prompts the refreshed prompt list after {@code notifications/prompts/list_changed} */
    default void promptsChanged(List<Prompt> prompts) {
    }

    /** @param uri the resource the server reported updated ({@code notifications/resources/updated}) */
    default void resourceUpdated(String uri) {
    }
}
