package io.mcpwasm.samples.spring;

import java.util.List;
import java.util.Objects;
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
 * A stand-in for a real chat model, so the example runs without network or API key. On the user's message it asks
 * for one call of its tool (when the chat client offers a tool of that name); given the tool's answer, it answers
 * with that text.
 */
public final class ScriptedChatModel implements ChatModel {
    private final String tool;
    private final String argumentsJson;

    /**
     * @param tool the tool to call, as the chat client names it
     * @param argumentsJson its arguments, a JSON object
     */
    public ScriptedChatModel(String tool, String argumentsJson) {
        this.tool = Objects.requireNonNull(tool, "tool");
        this.argumentsJson = Objects.requireNonNull(argumentsJson, "argumentsJson");
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        List<Message> messages = prompt.getInstructions();
        Message last = messages.get(messages.size() - 1);
        AssistantMessage answer;
        if (last instanceof ToolResponseMessage r && !r.getResponses().isEmpty()) {
            ToolResponseMessage.ToolResponse response = r.getResponses().get(r.getResponses().size() - 1);
            answer = new AssistantMessage("The tool " + response.name() + " answered: " + response.responseData());
        } else if (offers(prompt, tool)) {
            answer = AssistantMessage.builder().content("")
                    .toolCalls(List.of(new AssistantMessage.ToolCall("call-1", "function", tool, argumentsJson)))
                    .build();
        } else {
            answer = new AssistantMessage("I have no tool named " + tool + " to answer that.");
        }
        return new ChatResponse(List.of(new Generation(answer)));
    }

    private static boolean offers(Prompt prompt, String tool) {
        return prompt.getOptions() instanceof ToolCallingChatOptions options && options.getToolCallbacks().stream()
                .anyMatch(c -> c.getToolDefinition().name().equals(tool));
    }

    /** Tool-calling options, so that the chat client passes the tool callbacks to this model. */
    @Override
    public ChatOptions getOptions() {
        return ToolCallingChatOptions.builder().build();
    }
}
