package io.mcpwasm.cli;

import java.util.concurrent.CompletableFuture;

/**
 * Where the answer to one POSTed request goes: an SSE stream (which may also carry the guest's messages about that
 * request before the answer) or a single JSON body.
 */
final class Reply {
    final SseStream sse;
    final CompletableFuture<String> json;
    final String progressToken;

    private Reply(SseStream sse, CompletableFuture<String> json, String progressToken) {
        this.sse = sse;
        this.json = json;
        this.progressToken = progressToken;
    }

    static Reply stream(String progressToken) {
        return new Reply(new SseStream(), null, progressToken);
    }

    static Reply json(String progressToken) {
        return new Reply(null, new CompletableFuture<>(), progressToken);
    }

    /** Delivers the answer and ends the reply. */
    void answer(String line) {
        if (sse != null) {
            sse.send(line);
            sse.finish();
        } else {
            json.complete(line);
        }
    }

    /** Delivers a message about the request before its answer; false when this reply cannot carry it. */
    boolean related(String line) {
        return sse != null && sse.send(line);
    }

    boolean isOpen() {
        return sse != null ? sse.isOpen() : !json.isDone();
    }
}
