package io.mcpwasm.wasi;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits on a guest's outbound HTTP. Immutable; start from {@link #defaults()} and derive variants with the
 * {@code withX} methods, each of which fails fast naming the bad argument.
 *
 * <p>Defaults: request body 1 MiB, response body 8 MiB, response head (status line and headers) 64 KiB,
 * connect timeout 10 s, total timeout 30 s per request (from the call to {@code request} to the last byte of
 * the body, redirects included), 8 requests open at once, 5 redirects.
 *
 * @param maxRequestBodyBytes  largest request body the guest may send ({@code TOO_LARGE} above)
 * @param maxResponseBytes     largest response body the guest may read ({@code TOO_LARGE} above)
 * @param maxHeaderBytes       largest response head, status line and header lines together
 * @param connectTimeout       longest wait for one TCP connect
 * @param totalTimeout         deadline of one request, redirects and body reading included
 * @param maxConcurrent        requests open at once (a handle counts until {@code response_close})
 * @param maxRedirects         redirect hops followed before {@code TOO_MANY_REDIRECTS}
 */
public record HttpLimits(long maxRequestBodyBytes, long maxResponseBytes, int maxHeaderBytes,
                         Duration connectTimeout, Duration totalTimeout, int maxConcurrent, int maxRedirects) {

    private static final HttpLimits DEFAULTS = new HttpLimits(1L << 20, 8L << 20, 64 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(30), 8, 5);

    public HttpLimits {
        if (maxRequestBodyBytes < 0 || maxRequestBodyBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxRequestBodyBytes must be 0 to 2^31-9, got " + maxRequestBodyBytes);
        }
        if (maxResponseBytes < 0) {
            throw new IllegalArgumentException("maxResponseBytes must not be negative, got " + maxResponseBytes);
        }
        if (maxHeaderBytes < 256) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 256, got " + maxHeaderBytes);
        }
        positive(connectTimeout, "connectTimeout");
        positive(totalTimeout, "totalTimeout");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + maxConcurrent);
        }
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new IllegalArgumentException("maxRedirects must be 0 to 20, got " + maxRedirects);
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and under 24 days, got " + d);
        }
    }

    /** The defaults listed above. */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /** This limits with another request body cap. */
    public HttpLimits withMaxRequestBodyBytes(long v) {
        return new HttpLimits(v, maxResponseBytes, maxHeaderBytes, connectTimeout, totalTimeout, maxConcurrent,
                maxRedirects);
    }

    /** This limits with another response body cap. */
    public HttpLimits withMaxResponseBytes(long v) {
        return new HttpLimits(maxRequestBodyBytes, v, maxHeaderBytes, connectTimeout, totalTimeout, maxConcurrent,
                maxRedirects);
    }

    /** This limits with another cap on the response head and on the request header block. */
    public HttpLimits withMaxHeaderBytes(int v) {
        return new HttpLimits(maxRequestBodyBytes, maxResponseBytes, v, connectTimeout, totalTimeout, maxConcurrent,
                maxRedirects);
    }

    /** This limits with another connect timeout. */
    public HttpLimits withConnectTimeout(Duration v) {
        return new HttpLimits(maxRequestBodyBytes, maxResponseBytes, maxHeaderBytes, v, totalTimeout, maxConcurrent,
                maxRedirects);
    }

    /** This limits with another total timeout per request. */
    public HttpLimits withTotalTimeout(Duration v) {
        return new HttpLimits(maxRequestBodyBytes, maxResponseBytes, maxHeaderBytes, connectTimeout, v, maxConcurrent,
                maxRedirects);
    }

    /** This limits with another number of requests open at once. */
    public HttpLimits withMaxConcurrent(int v) {
        return new HttpLimits(maxRequestBodyBytes, maxResponseBytes, maxHeaderBytes, connectTimeout, totalTimeout, v,
                maxRedirects);
    }

    /** This limits with another redirect hop limit. */
    public HttpLimits withMaxRedirects(int v) {
        return new HttpLimits(maxRequestBodyBytes, maxResponseBytes, maxHeaderBytes, connectTimeout, totalTimeout,
                maxConcurrent, v);
    }
}
