package io.mcpwasm.integrations.langchain4j;

/** The AI service the tests build with {@code AiServices}. */
interface Agent {
    String chat(String userMessage);
}
