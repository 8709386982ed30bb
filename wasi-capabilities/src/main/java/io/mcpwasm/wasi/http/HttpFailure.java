package io.mcpwasm.wasi.http;

/**
 * A request step that failed with a guest-visible code. The message is for the audit line and the log: it
 * never holds bodies, query strings or header values.
 */
final class HttpFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final HttpError error;

    HttpFailure(HttpError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    HttpError error() {
        return error;
    }

    /** Whether this failure is a policy or limit refusal (audited as DENIED) rather than a network failure. */
    boolean isRefusal() {
        return switch (error) {
            case DENIED_HOST, DENIED_ADDRESS, TOO_LARGE, TOO_MANY_REQUESTS, TOO_MANY_REDIRECTS, BAD_ARGUMENT -> true;
            default -> false;
        };
    }
}
