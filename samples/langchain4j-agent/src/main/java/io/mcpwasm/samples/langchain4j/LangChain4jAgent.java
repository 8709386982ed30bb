package io.mcpwasm.samples.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import io.mcpwasm.McpRuntime;
import io.mcpwasm.McpServer;
import io.mcpwasm.ServerOptions;
import io.mcpwasm.integrations.langchain4j.WasmToolProvider;
import io.mcpwasm.wasi.HostPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A LangChain4j agent whose tools are a wasm MCP server: the Zig sample ({@code samples/zig-tools}), sandboxed with
 * nothing granted. Run it from the repository's root:
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl samples/langchain4j-agent exec:exec
 * </pre>
 *
 * <p>It needs no network and no API key: the model is a {@link ScriptedChatModel} that asks for one real call of the
 * wasm tool {@code zig_sha256} and then answers with what the tool returned. To talk to a real model instead, add its
 * LangChain4j module (e.g. {@code dev.langchain4j:langchain4j-open-ai}) and pass its {@code ChatModel} to
 * {@link #ask} in place of the scripted one; nothing else changes.
 *
 * <p>Arguments (both optional): the path of the server's {@code .wasm}, and the question.
 */
public final class LangChain4jAgent {
    private LangChain4jAgent() {}

    /** The AI service LangChain4j implements: it sends the question to the model and runs the tools it asks for. */
    public interface Assistant {
        /**
         * @param question the user's message
         * @return the model's final answer
         */
        String chat(String question);
    }

    /**
     * Runs the agent once and prints its answer.
     *
     * @param args optional: the server's {@code .wasm} path, then the question
     */
    public static void main(String[] args) {
        Path wasm = Path.of(args.length > 0 ? args[0] : "samples/zig-tools/zig-tools.wasm");
        String question = args.length > 1 ? args[1] : "What is the SHA-256 of 'hello wasm'?";
        ChatModel model = new ScriptedChatModel("zig_sha256", "{\"text\":\"hello wasm\"}");
        System.out.println(ask(model, wasm, question));
    }

    /**
     * Starts the wasm server, asks the question through an AI service whose tools are the server's, and closes it.
     *
     * @param model the chat model (the scripted one, or any LangChain4j {@code ChatModel})
     * @param wasm the server's module
     * @param question the user's message
     * @return the agent's answer
     */
    public static String ask(ChatModel model, Path wasm, String question) {
        // BEGIN README
        try (McpRuntime runtime = McpRuntime.create();                      // compile cache and threads
             McpServer tools = runtime.load(wasm).start(HostPolicy.denyAll(), // nothing granted
                     ServerOptions.builder().autoRestart(Duration.ofMillis(200), Duration.ofSeconds(30)).build())) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(model)                                        // any LangChain4j ChatModel
                    .toolProvider(WasmToolProvider.builder().server("zig_", tools).build())
                    .build();
            return assistant.chat(question);                                 // the model calls zig_sha256 in wasm
        }
        // END README
    }
}
