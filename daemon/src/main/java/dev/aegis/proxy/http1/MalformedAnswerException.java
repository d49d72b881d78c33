package dev.aegis.proxy.http1;

import java.io.IOException;

/**
 * The provider answered, but its answer's head breaks HTTP/1.1's framing rules (RFC 9112 §6.3): its
 * length is ambiguous, or it is too large to be a real provider's. The connection is closed, since
 * where this answer ends, and so where the next one would begin, is unknown. The message names the rule
 * broken and holds no header value.
 */
public final class MalformedAnswerException extends IOException {

    MalformedAnswerException(String what) {
        super(what);
    }
}
