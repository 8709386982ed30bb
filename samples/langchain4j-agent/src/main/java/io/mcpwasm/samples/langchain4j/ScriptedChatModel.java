package io.mcpwasm.samples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;

/**
 * A stand-in for a real chat model, so the example runs without network or API key. On the user's message it asks
 * for one call of its tool (when the agent offers a tool of that name); given the tool's result, it answers with
 * that result's text. A tool error is answered as such.
 */
public final class ScriptedChatModel implements ChatModel {
    private final String tool;
    private final String argumentsJson;

    /**
     * @param tool the tool to call, as the agent names it
     * @param argumentsJson its arguments, a JSON object
     */
    public ScriptedChatModel(String tool, String argumentsJson) {
        this.tool = Objects.requireNonNull(tool, "tool");
        this.argumentsJson = Objects.requireNonNull(argumentsJson, "argumentsJson");
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        ChatMessage last = messages.get(messages.size() - 1);
        AiMessage answer;
        if (last instanceof ToolExecutionResultMessage result) {
            answer = AiMessage.from((Boolean.TRUE.equals(result.isError()) ? "The tool failed: " : "The tool "
                    + result.toolName() + " answered: ") + result.text());
        } else if (request.toolSpecifications() != null
                && request.toolSpecifications().stream().anyMatch(s -> s.name().equals(tool))) {
            answer = AiMessage.from(ToolExecutionRequest.builder().id("call-1").name(tool).arguments(argumentsJson)
                    .build());
        } else {
            answer = AiMessage.from("I have no tool named " + tool + " to answer that.");
        }
        return ChatResponse.builder().aiMessage(answer).build();
    }
}
