package io.mcpwasm;

import java.time.Duration;
import java.util.Objects;

/** Per-call options: a deadline and a progress listener. Immutable; build with {@link #builder()}. */
public final class CallOptions {
    private static final CallOptions DEFAULTS = new CallOptions(null, null);
    private final Duration timeout;
    private final ProgressListener progressListener;

    private CallOptions(Duration timeout, ProgressListener progressListener) {
        this.timeout = timeout;
        this.progressListener = progressListener;
    }

    /** @return options with the server's default timeout and no progress listener */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the call's deadline, or {@code null} for the server's default */
    public Duration timeout() {
        return timeout;
    }

    /** @return the progress listener, or {@code null} */
    public ProgressListener progressListener() {
        return progressListener;
    }

    /**
     * @param newTimeout the deadline to use instead; must be positive
     * @return a copy of these options with that deadline
     */
    public CallOptions withTimeout(Duration newTimeout) {
        return new CallOptions(builder().timeout(newTimeout).timeout, progressListener);
    }

    /** Builds {@link CallOptions}. */
    public static final class Builder {
        private Duration timeout;
        private ProgressListener progressListener;

        private Builder() {
        }

        /**
         * @param timeout how long to wait for the answer; must be positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param progressListener receives the server's progress notifications for this call; a progress token is
         *     attached to the request
         * @return this builder
         */
        public Builder progressListener(ProgressListener progressListener) {
            this.progressListener = Objects.requireNonNull(progressListener, "progressListener");
            return this;
        }

        /** @return the options */
        public CallOptions build() {
            return new CallOptions(timeout, progressListener);
        }
    }
}
