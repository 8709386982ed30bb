package io.mcpwasm.integrations.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chat model that needs no network: it asks for the tool calls it was scripted with, one per turn, and then
 * answers with the text of the last tool result it was given, so what the agent returns is what the tool said.
 * It records the tools it was offered and every tool result it saw.
 */
final class ScriptedChatModel implements ChatModel {
    private final Deque<ToolExecutionRequest> script = new ArrayDeque<>();
    private final List<ToolExecutionResultMessage> seen = new CopyOnWriteArrayList<>();
    private volatile List<ToolSpecification> offered = List.of();

    /** Scripts a call of {@code tool} with {@code argumentsJson}; calls are asked for in the order scripted. */
    ScriptedChatModel call(String tool, String argumentsJson) {
        script.add(ToolExecutionRequest.builder().id("call-" + (script.size() + 1)).name(tool)
                .arguments(argumentsJson).build());
        return this;
    }

    @Override
    public synchronized ChatResponse doChat(ChatRequest request) {
        offered = request.toolSpecifications() != null ? List.copyOf(request.toolSpecifications()) : List.of();
        List<ChatMessage> messages = request.messages();
        ChatMessage last = messages.get(messages.size() - 1);
        if (last instanceof ToolExecutionResultMessage r) {
            seen.add(r);
        }
        ToolExecutionRequest next = script.poll();
        AiMessage answer = next != null ? AiMessage.from(next)
                : AiMessage.from(last instanceof ToolExecutionResultMessage r ? r.text() : "no tool was called");
        return ChatResponse.builder().aiMessage(answer).build();
    }

    /** The tool results the model was given, in order. */
    List<ToolExecutionResultMessage> toolResults() {
        return List.copyOf(seen);
    }

    /** The tool specifications of the last request. */
    List<ToolSpecification> offered() {
        return offered;
    }
}
