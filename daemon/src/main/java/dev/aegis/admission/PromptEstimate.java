package dev.aegis.admission;

/**
 * A prompt's tokens estimated from its request body before the provider counts them: one per 4
 * bytes, leaving out the JSON whitespace between values, which costs a client nothing to send and
 * the provider never bills (a body padded with it would otherwise hold a budget it never spends).
 */
final class PromptEstimate {

    static final int BYTES_PER_TOKEN = 4;

    private PromptEstimate() {}

    /** The estimate for a JSON body, plus input the provider reads from context it stores. */
    static long tokens(byte[] body, long storedContextTokens) {
        return significantBytes(body) / BYTES_PER_TOKEN + storedContextTokens;
    }

    /** The body's bytes less the whitespace outside its strings. */
    static long significantBytes(byte[] body) {
        long n = 0;
        boolean inString = false;
        boolean escaped = false;
        for (byte b : body) {
            if (inString) {
                n++;
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                n++;
                inString = b == '"';
            }
        }
        return n;
    }
}
