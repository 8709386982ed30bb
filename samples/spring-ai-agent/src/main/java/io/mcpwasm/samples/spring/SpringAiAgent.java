package io.mcpwasm.samples.spring;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallAdvisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring AI application whose chat client's tools are a wasm MCP server: {@code application.properties} names
 * the Zig sample ({@code mcpwasm.servers.tools.*}), the starter starts it sandboxed with the context and offers its
 * tools as the {@code mcpWasmToolCallbacks} bean. Run it from the repository's root:
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl samples/spring-ai-agent exec:exec
 * </pre>
 *
 * <p>It needs no network and no API key: the model is a {@link ScriptedChatModel} that asks for one real call of
 * the wasm tool {@code zig_sha256} and answers with what it returned. For a real model, add its Spring AI starter
 * (e.g. {@code org.springframework.ai:spring-ai-starter-model-openai} with {@code spring.ai.openai.api-key}) and set
 * {@code agent.scripted-model=false}: its auto-configured {@code ChatModel} is then used. The question is
 * {@code agent.question} (e.g. {@code --agent.question="..."}).
 */
@SpringBootApplication
public class SpringAiAgent {
    /**
     * Starts the application, asks the question once, prints the answer and closes the context (and the server).
     *
     * @param args Spring Boot arguments, e.g. {@code --agent.question=...}
     */
    public static void main(String[] args) {
        try (ConfigurableApplicationContext context = SpringApplication.run(SpringAiAgent.class, args)) {
            String question = context.getEnvironment().getProperty("agent.question",
                    "What is the SHA-256 of 'hello wasm'?");
            System.out.println(context.getBean(ChatClient.class).prompt(question).call().content());
        }
    }

    /**
     * The stand-in model, unless {@code agent.scripted-model=false}.
     *
     * @return a model that calls {@code zig_sha256} of "hello wasm" and answers with its result
     */
    @Bean
    @ConditionalOnBooleanProperty(name = "agent.scripted-model", matchIfMissing = true)
    ChatModel scriptedChatModel() {
        return new ScriptedChatModel("zig_sha256", "{\"text\":\"hello wasm\"}");
    }

    // ChatClient.Builder#defaultToolCallbacks and ToolCallAdvisor are deprecated for removal in Spring AI 2.0 with no
    // replacement yet; they are what a Spring AI 2.0 application uses today.
    @SuppressWarnings("removal")
    // BEGIN README
    @Bean ChatClient chatClient(ChatModel model, @Qualifier("mcpWasmToolCallbacks") ToolCallbackProvider tools) {
        return ChatClient.builder(model).defaultToolCallbacks(tools)   // the wasm servers' tools
                .defaultAdvisors(ToolCallAdvisor.builder().build()).build(); // runs the tool calls the model asks for
    }
    // END README
}
