package io.mcpwasm.wasi.http;

import io.mcpwasm.wasi.internal.Auditor;

/** One response the guest holds a handle to; released and audited once, at its end or when it is closed. */
final class OpenResponse {
    private final Auditor audit;
    final Http1Exchange exchange;
    final String what;
    final String target;
    final int sent;
    final byte[] headerBytes;
    long received;
    boolean done;
    HttpError failure;
    private boolean audited;

    OpenResponse(Auditor audit, Http1Exchange exchange, String what, String target, int sent) {
        this.audit = audit;
        this.exchange = exchange;
        this.what = what;
        this.target = target;
        this.sent = sent;
        this.headerBytes = exchange.serializedHeaders();
    }

    /** End of body or closed by the guest or the host: release the connection and audit once. */
    synchronized void finish() {
        done = true;
        exchange.close();
        if (!audited) {
            audited = true;
            audit.granted(HttpImports.NETWORK, target, what + " " + exchange.status() + ", sent " + sent
                    + " body bytes, received "
                    + received + " body bytes");
        }
    }

    synchronized void fail(HttpError error, String message) {
        failure = error;
        done = true;
        exchange.close();
        if (!audited) {
            audited = true;
            String line = what + " " + exchange.status() + " " + message + ", received " + received
                    + " body bytes";
            if (error == HttpError.TOO_LARGE) {
                audit.denied(HttpImports.NETWORK, target, line);
            } else {
                audit.granted(HttpImports.NETWORK, target, line + " (" + error + ")");
            }
        }
    }
}
