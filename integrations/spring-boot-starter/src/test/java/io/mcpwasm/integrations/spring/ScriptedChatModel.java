package io.mcpwasm.integrations.spring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * A chat model that needs no network: it asks for the tool calls it was scripted with, one per turn, then answers
 * with what the last tool answered, so the chat's content is the tool's real output. Records every tool answer.
 */
final class ScriptedChatModel implements ChatModel {
    private final Deque<AssistantMessage.ToolCall> script = new ArrayDeque<>();
    private final List<ToolResponseMessage.ToolResponse> seen = new CopyOnWriteArrayList<>();

    ScriptedChatModel call(String tool, String argumentsJson) {
        script.add(new AssistantMessage.ToolCall("call-" + (script.size() + 1), "function", tool, argumentsJson));
        return this;
    }

    @Override
    public synchronized ChatResponse call(Prompt prompt) {
        List<Message> messages = prompt.getInstructions();
        Message last = messages.get(messages.size() - 1);
        String lastAnswer = "no tool was called";
        if (last instanceof ToolResponseMessage r) {
            seen.addAll(r.getResponses());
            lastAnswer = r.getResponses().get(r.getResponses().size() - 1).responseData();
        }
        AssistantMessage.ToolCall next = script.poll();
        AssistantMessage answer = next != null
                ? AssistantMessage.builder().content("").toolCalls(List.of(next)).build()
                : new AssistantMessage(lastAnswer);
        return new ChatResponse(List.of(new Generation(answer)));
    }

    /** Tool-calling options, so that ChatClient passes the tool callbacks and ToolCallAdvisor runs them. */
    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build();
    }

    /** Every tool answer the model was given, in order. */
    List<ToolResponseMessage.ToolResponse> toolResponses() {
        return List.copyOf(seen);
    }
}
