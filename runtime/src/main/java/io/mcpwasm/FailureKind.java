package io.mcpwasm;

/** Why a server (its guest, or the traffic it produced) was declared failed. */
public enum FailureKind {
    /** The guest trapped (unreachable, out-of-bounds access, ...). */
    TRAP,
    /** The guest called {@code proc_exit} or returned from {@code _start}. */
    EXIT,
    /** The guest exhausted its call stack. */
    STACK_EXHAUSTED,
    /** The guest tried to grow its memory beyond the granted limit. */
    OUT_OF_MEMORY,
    /** The guest wrote a line that is not a well-formed JSON-RPC 2.0 message. */
    MALFORMED_MESSAGE,
    /** The guest wrote a line longer than the configured message size limit. */
    MESSAGE_TOO_LARGE,
    /** The guest answered a request id that the host never issued. */
    UNKNOWN_RESPONSE_ID,
    /** The guest stopped answering (for example it kept running after a timed-out call). */
    UNRESPONSIVE,
    /** The guest could not be instantiated or started. */
    START_FAILED,
    /** The server was closed by the host. */
    CLOSED
}
