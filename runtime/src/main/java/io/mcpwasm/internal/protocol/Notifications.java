package io.mcpwasm.internal.protocol;

import static io.mcpwasm.internal.protocol.JsonRpcChannel.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpwasm.ProgressListener;
import io.mcpwasm.ServerListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The notifications the server sends: log messages (to the logger {@code mcpwasm.server.<name>}), progress of
 * pending calls, list changes, resource updates, acknowledged subscriptions, and cancellation of its own requests. Called on the guest thread;
 * never blocks; user code (listeners) runs on the event executor, in the order the server sent the notifications.
 *
 * <p>A guest may send any of them at any rate, so each costs bounded work: log messages past
 * {@link #MAX_LOG_MESSAGES_PER_SECOND} are dropped; progress and resource updates are dropped while
 * {@link JsonRpcChannel#MAX_QUEUED_EVENTS} events wait for the event executor; list changes coalesce
 * ({@link ListCache#refresh()}). Drops are counted and reported in a rate-limited warning.
 */
final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** How many of the server's log messages are logged per second; the rest are counted and dropped. */
    static final int MAX_LOG_MESSAGES_PER_SECOND = 100;

    private final JsonRpcChannel channel;
    private final List<ServerListener> listeners;
    private final ServerLists lists;
    private final HostRequests hostRequests;
    private final Subscriptions subscriptions;
    private final Logger serverLog;
    private final FloodGuard logGuard;
    private final FloodGuard progressGuard;
    private final FloodGuard updatedGuard;

    Notifications(JsonRpcChannel channel, List<ServerListener> listeners, ServerLists lists,
            HostRequests hostRequests, Subscriptions subscriptions) {
        this.channel = channel;
        this.listeners = listeners;
        this.lists = lists;
        this.hostRequests = hostRequests;
        this.subscriptions = subscriptions;
        this.serverLog = LoggerFactory.getLogger("mcpwasm.server." + channel.serverName());
        this.logGuard = new FloodGuard(channel.serverName(), "log messages", MAX_LOG_MESSAGES_PER_SECOND);
        this.progressGuard = new FloodGuard(channel.serverName(), "progress notifications", 0);
        this.updatedGuard = new FloodGuard(channel.serverName(), "resources/updated notifications", 0);
    }

    void onNotification(String method, JsonNode params) {
        JsonNode p = params != null ? params : MAPPER.createObjectNode();
        switch (method) {
            case "notifications/message":
                logServerMessage(p);
                break;
            case "notifications/progress":
                onProgress(p);
                break;
            case "notifications/tools/list_changed":
                lists.toolsChanged();
                break;
            case "notifications/prompts/list_changed":
                lists.promptsChanged();
                break;
            case "notifications/resources/list_changed":
                lists.resourcesChanged();
                break;
            case "notifications/resources/updated": {
                String uri = p.path("uri").asText(null);
                if (uri != null && !channel.inOrderIfRoom(
                        () -> listeners.forEach(l -> safely(() -> l.resourceUpdated(uri))))) {
                    updatedGuard.drop();
                }
                break;
            }
            case "notifications/subscriptions/acknowledged":
                subscriptions.acknowledged(p);
                break;
            case "notifications/cancelled":
                hostRequests.cancelled(p.path("requestId").asText());
                break;
            default:
                LOG.debug("MCP server '{}' sent notification {} (ignored)", channel.serverName(), method);
        }
    }

    private void logServerMessage(JsonNode p) {
        Level level = levelOf(p.path("level").asText("info"));
        if (!serverLog.isEnabledForLevel(level) || !logGuard.admit()) {
            return;
        }
        JsonNode data = p.get("data");
        String text = data == null ? "" : data.isTextual() ? data.asText() : data.toString();
        String logger = p.path("logger").asText(null);
        serverLog.atLevel(level).log("{}", logger != null ? "[" + logger + "] " + text : text);
    }

    /**
     * Maps an MCP (RFC 5424) log level to slf4j: debug to DEBUG; info and notice to INFO; warning to WARN;
     * error, critical, alert, emergency and anything unknown to ERROR.
     */
    static Level levelOf(String mcpLevel) {
        switch (mcpLevel) {
            case "debug":
                return Level.DEBUG;
            case "info":
            case "notice":
                return Level.INFO;
            case "warning":
                return Level.WARN;
            default:
                return Level.ERROR;
        }
    }

    /** @return the name of the logger that server log messages go to */
    String serverLoggerName() {
        return serverLog.getName();
    }

    private void onProgress(JsonNode p) {
        Long token = JsonRpcChannel.idOf(p.get("progressToken"));
        JsonRpcChannel.Pending pend = token == null ? null : channel.pending(token);
        ProgressListener l = pend == null ? null : pend.exchange.progress;
        if (l == null) {
            LOG.debug("MCP server '{}' sent progress for unknown token {}", channel.serverName(),
                    p.get("progressToken"));
            return;
        }
        double progress = p.path("progress").asDouble();
        JsonNode t = p.get("total");
        Double total = t != null && t.isNumber() ? t.asDouble() : null;
        String message = p.path("message").isTextual() ? p.get("message").asText() : null;
        if (!channel.inOrderIfRoom(() -> safely(() -> l.onProgress(progress, total, message)))) {
            progressGuard.drop();
        }
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("listener of MCP server '{}' threw", channel.serverName(), e);
        }
    }
}
